#include "app/contact_normalizer.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::app {
namespace {

TEST(ContactNormalizer, EmailsAreTrimmedAndLowerCased) {
  EXPECT_EQ(normalize_email("email", "  Ann.Smith@Example.COM "), "ann.smith@example.com");
  EXPECT_THROW(normalize_email("email", "not an email"), Error);
}

TEST(ContactNormalizer, PhonesBecomeE164InTheDefaultRegion) {
  EXPECT_EQ(normalize_phone("phone", "138 0013 8000", "CN"), "+8613800138000");
  EXPECT_EQ(normalize_phone("phone", "+86 138-0013-8000", "US"), "+8613800138000");
  EXPECT_EQ(normalize_phone("phone", "(415) 555-0132", "US"), "+14155550132");
  try {
    normalize_phone("contacts[0].phone", "12", "US");
    FAIL() << "a two-digit number was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "contacts[0].phone");
  }
}

}  // namespace
}  // namespace rapport::app
