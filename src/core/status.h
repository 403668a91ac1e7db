// Errors caused by input are values: absl::Status / absl::StatusOr (DESIGN.md §7.4).
// Broken invariants abort with file and line through SR_CHECK.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sessionrec {
using absl::Status;
using absl::StatusOr;
}  // namespace sessionrec

// Returns from the enclosing function if `expr` (a Status) is not ok.
#define SR_RETURN_IF_ERROR(expr)                  \
  do {                                            \
    ::absl::Status sr_status_ = (expr);           \
    if (!sr_status_.ok()) return sr_status_;      \
  } while (0)

#define SR_CONCAT_INNER(a, b) a##b
#define SR_CONCAT(a, b) SR_CONCAT_INNER(a, b)
// `SR_ASSIGN_OR_RETURN(auto x, MakeX());` unwraps a StatusOr or returns its error.
#define SR_ASSIGN_OR_RETURN(lhs, expr) SR_ASSIGN_OR_RETURN_IMPL(SR_CONCAT(sr_or_, __LINE__), lhs, expr)
#define SR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()

// Aborts with file and line when an internal invariant is broken (never for bad input).
#define SR_CHECK(cond)                                                             \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                \
    }                                                                              \
  } while (0)
