#include "text.h"

#include "absl/strings/str_cat.h"
#include "status.h"

namespace minyi {

long NextCodePoint(absl::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  int extra = 0;
  long cp = 0;
  if (c < 0x80) {
    ++i;
    return c;
  } else if ((c & 0xE0) == 0xC0) {
    extra = 1;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    extra = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return -1;
  }
  if (i + extra >= s.size()) {
    return -1;
  }
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) {
      return -1;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  static constexpr long kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return -1;
  }
  i += extra + 1;
  return cp;
}

bool IsValidUtf8(absl::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (NextCodePoint(s, i) < 0) {
      return false;
    }
  }
  return true;
}

std::size_t Utf8Length(absl::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    n += (c & 0xC0) != 0x80;
  }
  return n;
}

std::string ToValidUtf8(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    if (NextCodePoint(s, i) < 0) {
      out.append("\xEF\xBF\xBD");
      i = start + 1;
    } else {
      out.append(s.data() + start, i - start);
    }
  }
  return out;
}

absl::Status CheckText(absl::string_view field, absl::string_view value, std::size_t min_chars, std::size_t max_chars) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < value.size(); ++n) {
    long cp = NextCodePoint(value, i);
    if (cp < 0) {
      return InvalidField(field, "is not valid UTF-8");
    }
    if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F) {
      return InvalidField(field, "contains a control character");
    }
  }
  if (n < min_chars) {
    return InvalidField(field, min_chars == 1 ? std::string("is required")
                                              : absl::StrCat("must be at least ", min_chars, " characters"));
  }
  if (n > max_chars) {
    return InvalidField(field, absl::StrCat("must be at most ", max_chars, " characters (got ", n, ")"));
  }
  return absl::OkStatus();
}

std::string MaskPhone(absl::string_view phone) {
  if (phone.size() < 7) {
    return std::string(phone.size(), '*');
  }
  return absl::StrCat(phone.substr(0, 3), std::string(phone.size() - 7, '*'), phone.substr(phone.size() - 4));
}

std::string MaskIdNumber(absl::string_view id_number) {
  if (id_number.size() < 10) {
    return std::string(id_number.size(), '*');
  }
  return absl::StrCat(id_number.substr(0, 6), std::string(id_number.size() - 10, '*'),
                      id_number.substr(id_number.size() - 4));
}

}  // namespace minyi
