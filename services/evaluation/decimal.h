#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Scores are exact. Inputs (indicator points, stage scores) carry at most two decimals and are held as
// integer hundredths ("centi-points"); everything computed from them is an exact fraction, rounded only
// when shown: half-up at two decimals. So 79.995 shows as 80.00, and the grade is read from that figure.
namespace minyi::evaluation {

using Centi = int64_t;  // hundredths of a point

// A JSON number with at most two decimals, within [min, max] (in centi); the error names `field`.
absl::StatusOr<Centi> ParseCenti(double value, Centi min, Centi max, absl::string_view field);
// "79.99", "80.00", "-0.50".
std::string FormatCenti(Centi value);
double CentiToDouble(Centi value);

// A non-negative-denominator fraction of 128-bit integers, always in lowest terms.
class Exact final {
 public:
  Exact() = default;
  Exact(__int128 num, __int128 den);
  static Exact FromCenti(Centi c) { return Exact(c, 100); }

  Exact operator+(const Exact& o) const;
  Exact operator*(const Exact& o) const;
  Exact operator/(const Exact& o) const;
  bool operator==(const Exact& o) const { return num_ == o.num_ && den_ == o.den_; }

  // Rounded half-up (away from zero on a tie) to hundredths.
  Centi RoundCenti() const;

 private:
  __int128 num_ = 0;
  __int128 den_ = 1;
};

}  // namespace minyi::evaluation
