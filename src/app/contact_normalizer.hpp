#pragma once
// Normalised forms of email addresses and phone numbers: what duplicate detection, matching on
// import and search compare. Thread-safe (libphonenumber's PhoneNumberUtil is a read-only
// singleton after first use).
// Errors: invalid_argument naming `field`.
#include <string>
#include <string_view>

namespace rapport::app {

// Trimmed and lower-cased, after check_email.
std::string normalize_email(std::string_view field, std::string_view email);

// E.164 ("+8613800138000") via libphonenumber. A number without a country code is read in
// `default_region` (ISO 3166 alpha-2, the business's setting). Refuses text that is not a
// valid number for its region, naming the field.
std::string normalize_phone(std::string_view field, std::string_view phone,
                            std::string_view default_region);

}  // namespace rapport::app
