# Runs the glasspc program once and checks its exit status and output.
#
#   cmake -DGLASSPC=<program> -DWORK_DIR=<scratch dir> -DARGS=<arguments joined by |> -DSTATUS=<n>
#         [-DSTDERR=<exact text>] [-DSTDOUT_HAS=<substring>] -P cli_check.cmake
#
# "@WORK@" in ARGS and STDERR stands for WORK_DIR, where these inputs are created first:
#   plain.bin  4 KiB of text, no multiboot header (not a kernel)
#   rom1000.bin  a 1000-byte file (not a multiple of 64 KiB, so not a BIOS image)
foreach(required GLASSPC WORK_DIR STATUS)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "cli_check.cmake: ${required} is not set")
  endif()
endforeach()

file(MAKE_DIRECTORY "${WORK_DIR}")
string(REPEAT "not a kernel\n" 315 plain)
file(WRITE "${WORK_DIR}/plain.bin" "${plain}")
string(REPEAT "r" 1000 rom)
file(WRITE "${WORK_DIR}/rom1000.bin" "${rom}")
file(REMOVE "${WORK_DIR}/missing.elf")

string(REPLACE "|" ";" args "${ARGS}")
string(REPLACE "@WORK@" "${WORK_DIR}" args "${args}")
execute_process(
  COMMAND "${GLASSPC}" ${args}
  INPUT_FILE /dev/null
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 60)

set(problems "")
if(NOT status STREQUAL "${STATUS}")
  string(APPEND problems "exit status is '${status}', expected ${STATUS}\n")
endif()
if(DEFINED STDERR)
  string(REPLACE "@WORK@" "${WORK_DIR}" expected_err "${STDERR}")
  if(NOT err STREQUAL "${expected_err}\n")
    string(APPEND problems "stderr is:\n${err}expected exactly:\n${expected_err}\n")
  endif()
endif()
if(DEFINED STDOUT_HAS)
  string(FIND "${out}" "${STDOUT_HAS}" at)
  if(at EQUAL -1)
    string(APPEND problems "stdout lacks '${STDOUT_HAS}'; it is:\n${out}\n")
  endif()
endif()
if(problems)
  message(FATAL_ERROR "glasspc ${args}\n${problems}")
endif()
