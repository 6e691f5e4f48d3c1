#include "app/contact_normalizer.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport::app {

std::string normalize_email(std::string_view field, std::string_view email) {
  std::string e = trim(email);
  check_email(field, e);
  for (char& c : e) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return e;
}

std::string normalize_phone(std::string_view field, std::string_view phone,
                            std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const std::string text = trim(phone);
  if (text.empty()) throw_invalid(std::string(field), "must not be empty");
  if (text.size() > 64 || !is_valid_utf8(text)) {
    throw_invalid(std::string(field), "is not a phone number");
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(text, std::string(default_region), &number) != PhoneNumberUtil::NO_PARSING_ERROR ||
      !util.IsValidNumber(number)) {
    throw_invalid(std::string(field), "'" + text +
                                          "' is not a valid phone number (numbers without "
                                          "a country code are read as " +
                                          std::string(default_region) + ")");
  }
  std::string out;
  util.Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

}  // namespace rapport::app
