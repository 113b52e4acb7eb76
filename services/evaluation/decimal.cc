#include "evaluation/decimal.h"

#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status.h"

namespace minyi::evaluation {
namespace {

__int128 Abs(__int128 v) { return v < 0 ? -v : v; }

__int128 Gcd(__int128 a, __int128 b) {
  a = Abs(a);
  b = Abs(b);
  while (b != 0) {
    const __int128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

}  // namespace

absl::StatusOr<Centi> ParseCenti(double value, Centi min, Centi max, absl::string_view field) {
  if (!std::isfinite(value)) {
    return InvalidField(field, "须为数字");
  }
  const double scaled = value * 100.0;
  const double rounded = std::round(scaled);
  // A decimal typed with two places, such as 8.35, is not exact in binary; anything further from a
  // hundredth than float noise has a third decimal.
  if (std::fabs(scaled - rounded) > 1e-6 || std::fabs(rounded) > 1e15) {
    return InvalidField(field, "最多保留两位小数");
  }
  const auto centi = static_cast<Centi>(rounded);
  if (centi < min || centi > max) {
    return InvalidField(field, absl::StrCat("须在 ", FormatCenti(min), " 至 ", FormatCenti(max), " 之间"));
  }
  return centi;
}

std::string FormatCenti(Centi value) {
  const Centi magnitude = value < 0 ? -value : value;
  return absl::StrFormat("%s%d.%02d", value < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

double CentiToDouble(Centi value) { return static_cast<double>(value) / 100.0; }

Exact::Exact(__int128 num, __int128 den) {
  if (den == 0) {
    std::abort();  // a zero denominator is a bug in the caller, never input
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const __int128 g = Gcd(num, den);
  num_ = g == 0 ? 0 : num / g;
  den_ = g == 0 ? 1 : den / g;
}

Exact Exact::operator+(const Exact& o) const { return Exact(num_ * o.den_ + o.num_ * den_, den_ * o.den_); }
Exact Exact::operator*(const Exact& o) const { return Exact(num_ * o.num_, den_ * o.den_); }
Exact Exact::operator/(const Exact& o) const { return Exact(num_ * o.den_, den_ * o.num_); }

Centi Exact::RoundCenti() const {
  // floor((|x| * 100 * 2 + 1) / 2) with the sign put back: half-up away from zero.
  const __int128 scaled = Abs(num_) * 200 + den_;
  const __int128 magnitude = scaled / (2 * den_);
  return static_cast<Centi>(num_ < 0 ? -magnitude : magnitude);
}

}  // namespace minyi::evaluation
