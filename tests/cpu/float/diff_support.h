// Support code shared by the differential tests: mismatch tallies with readable reports.
#pragma once

#include <cstdio>
#include <string>

#include "cpu/float/fp_types.h"

namespace glasspc::fp::test {

// Multiplies every differential test's case count; a stress build defines it larger
// (-DGLASSPC_FLOAT_CASE_SCALE=50) to explore far more operands than a CI run.
#ifndef GLASSPC_FLOAT_CASE_SCALE
#define GLASSPC_FLOAT_CASE_SCALE 1
#endif
constexpr long kCaseScale = GLASSPC_FLOAT_CASE_SCALE;

// Loop bound for a test that runs `n` cases at scale 1.
constexpr long scaled(long n) {
  return n * kCaseScale;
}

inline std::string hex(F80 v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04x:%016llx", v.sign_exponent,
                static_cast<unsigned long long>(v.significand));
  return buf;
}
inline std::string hex(u64 v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Counts cases and mismatches; prints the first few mismatches of each operation.
class Tally {
 public:
  explicit Tally(std::string name) : m_name(std::move(name)) {}
  void pass() { ++m_cases; }
  void fail(const std::string& detail) {
    ++m_cases;
    if (m_mismatches++ < 6)
      std::fprintf(stderr, "[%s] mismatch: %s\n", m_name.c_str(), detail.c_str());
  }
  void check(bool ok, const std::string& detail) { ok ? pass() : fail(detail); }
  u64 cases() const { return m_cases; }
  u64 mismatches() const { return m_mismatches; }

 private:
  std::string m_name;
  u64 m_cases = 0;
  u64 m_mismatches = 0;
};

}  // namespace glasspc::fp::test
