// The x87/MMX/SSE differential driver: runs each form's seeded cases on the host and in
// glasspc and compares the resulting state (see simd_diff_check.cpp for the rules).
#pragma once

#include <string>
#include <vector>

#include "simd_diff_form.h"

namespace glasspc::test {

struct SimdDiffOptions {
  u64 cases = 160;  // per form (register and memory forms count as two forms)
  u64 seed = 1;
  std::string filter;    // only forms whose name contains this
  bool verbose = false;  // report every failing case, not only the first of a form
};

struct SimdDiffSummary {
  unsigned checked = 0;                      // forms (register / memory) run
  std::vector<std::string> not_implemented;  // every case raised #UD in glasspc
  std::vector<std::string> skipped;          // the host CPU lacks the feature
  std::vector<std::string> failures;         // one report per failing form
};

struct SimdCase;
struct SimdState;
// The comparison of one case: a list of differences (empty when the host and glasspc agree).
std::vector<std::string> simd_diff_compare(const Form& f, const SimdCase& k, const SimdState& host,
                                           const SimdState& glass, u32 vector, bool halted);

SimdDiffSummary run_simd_diff(const std::vector<Form>& forms, const SimdDiffOptions& options);

}  // namespace glasspc::test
