// BasketFile: the groceries file as documented, FIMI, line ends, and every malformed input
// named in the header, each with its "path:line".
#include "app/basket_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "unit/test_support.hpp"

namespace rapport::app {
namespace {

namespace fs = std::filesystem;

// A file in a fresh temporary directory, removed with the fixture.
class BasketFileTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test_support::fresh_test_dir("rapport-basket"); }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Expects read() to fail with invalid_argument at `line`, the reason containing `reason`.
  void expect_error(const std::string& path, BasketFormat format, std::size_t line,
                    const std::string& reason, const BasketReadOptions& options = {}) {
    try {
      (void)BasketFile::read(path, format, options);
      ADD_FAILURE() << "no error for " << path;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.field(), path + ":" + std::to_string(line));
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
  }

  std::vector<std::string> names(const BasketFile& f, std::size_t basket) {
    std::vector<std::string> out;
    for (auto id : f.baskets.basket(basket)) out.push_back(f.items.name(id));
    return out;
  }

  fs::path dir_;
};

TEST_F(BasketFileTest, ReadsGroceriesAsDocumented) {
  auto f = BasketFile::read(std::string(RAPPORT_SHARED_DATA) + "/groceries/groceries.csv",
                            BasketFormat::kCsv);
  EXPECT_EQ(f.baskets.size(), 9835U);
  EXPECT_EQ(f.items.size(), 169U);
  EXPECT_EQ(f.baskets.item_occurrences(), 43367U);
  EXPECT_TRUE(f.items.find("cream cheese ").has_value());
  EXPECT_FALSE(f.items.find("cream cheese").has_value());
  // The first line: citrus fruit,semi-finished bread,margarine,ready soups
  EXPECT_EQ(names(f, 0), (std::vector<std::string>{"citrus fruit", "semi-finished bread",
                                                   "margarine", "ready soups"}));
}

TEST_F(BasketFileTest, CsvKeepsNamesByteForByteAndDropsRepeats) {
  auto path = write("b.csv", "\xEF\xBB\xBFmilk, milk ,caf\xC3\xA9\r\nbread,milk,bread\nmilk");
  auto f = BasketFile::read(path, BasketFormat::kCsv);
  ASSERT_EQ(f.baskets.size(), 3U);
  EXPECT_EQ(names(f, 0), (std::vector<std::string>{"milk", " milk ", "caf\xC3\xA9"}));
  EXPECT_EQ(f.baskets.basket(1).size(), 2U);                   // bread once
  EXPECT_EQ(names(f, 2), (std::vector<std::string>{"milk"}));  // last line without "\n"
  EXPECT_EQ(f.items.size(), 4U);
}

TEST_F(BasketFileTest, ReadsFimi) {
  auto path = write("b.dat", "1 2 3 \n 3\t007 2\r\n10\n");
  auto f = BasketFile::read(path, BasketFormat::kFimi);
  ASSERT_EQ(f.baskets.size(), 3U);
  EXPECT_EQ(names(f, 0), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(names(f, 1), (std::vector<std::string>{"2", "3", "7"}));
  EXPECT_EQ(names(f, 2), (std::vector<std::string>{"10"}));
  EXPECT_EQ(f.items.find("4294967295"), std::nullopt);
  auto big = write("big.dat", "4294967295\n");
  EXPECT_EQ(BasketFile::read(big, BasketFormat::kFimi).items.name(0), "4294967295");
}

TEST_F(BasketFileTest, ParsesFormatNames) {
  EXPECT_EQ(parse_basket_format("csv"), BasketFormat::kCsv);
  EXPECT_EQ(parse_basket_format("fimi"), BasketFormat::kFimi);
  EXPECT_FALSE(parse_basket_format("CSV").has_value());
}

TEST_F(BasketFileTest, EmptyFile) {
  expect_error(write("e.csv", ""), BasketFormat::kCsv, 1, "empty");
  expect_error(write("e.dat", ""), BasketFormat::kFimi, 1, "empty");
}

TEST_F(BasketFileTest, InvalidUtf8) {
  expect_error(write("u.csv", "milk\nbread\nche\xC3se\n"), BasketFormat::kCsv, 3, "UTF-8");
  expect_error(write("o.csv", "a\n\xC0\xAF\n"), BasketFormat::kCsv, 2, "UTF-8");    // overlong
  expect_error(write("s.csv", "\xED\xA0\x80\n"), BasketFormat::kCsv, 1, "UTF-8");   // surrogate
  expect_error(write("t.csv", "milk,\xE2\x82\n"), BasketFormat::kCsv, 1, "UTF-8");  // truncated
  expect_error(write("n.csv", std::string("mi\0lk\n", 6)), BasketFormat::kCsv, 1, "NUL");
}

TEST_F(BasketFileTest, OverLongLine) {
  BasketReadOptions small;
  small.max_line_bytes = 10;
  auto path = write("l.csv", "milk,bread\n0123456789a\n");
  expect_error(path, BasketFormat::kCsv, 2, "longer than 10 bytes", small);
  // Exactly at the limit, with a "\r\n" end, is fine.
  auto ok = write("ok.csv", "milk,bread\r\nmilk\n");
  EXPECT_EQ(BasketFile::read(ok, BasketFormat::kCsv, small).baskets.size(), 2U);
  // A line longer than one read block (64 KiB) is assembled, and still limited.
  std::string long_line(100000, 'x');
  auto big = write("big.csv", "a\n" + long_line + "\n");
  EXPECT_EQ(BasketFile::read(big, BasketFormat::kCsv).items.name(1), long_line);
  BasketReadOptions medium;
  medium.max_line_bytes = 70000;
  expect_error(big, BasketFormat::kCsv, 2, "longer than 70000", medium);
  auto tail = write("tail.csv", "a\n" + long_line);  // no final "\n"
  expect_error(tail, BasketFormat::kCsv, 2, "longer than 70000", medium);
}

TEST_F(BasketFileTest, BlankLinesAndEmptyNames) {
  expect_error(write("b.csv", "milk\n\nbread\n"), BasketFormat::kCsv, 2, "blank line");
  expect_error(write("c.csv", "milk\r\n\r\n"), BasketFormat::kCsv, 2, "blank line");
  expect_error(write("d.dat", "1 2\n  \n"), BasketFormat::kFimi, 2, "blank line");
  expect_error(write("e.csv", "milk,,bread\n"), BasketFormat::kCsv, 1, "item 2 has an empty name");
  expect_error(write("f.csv", "milk\nmilk,bread,\n"), BasketFormat::kCsv, 2, "item 3");
}

TEST_F(BasketFileTest, BadFimiTokens) {
  expect_error(write("a.dat", "1 2\n3 x4 5\n"), BasketFormat::kFimi, 2, "'x4' is not an item id");
  expect_error(write("b.dat", "1,2\n"), BasketFormat::kFimi, 1, "'1,2'");
  expect_error(write("c.dat", "4294967296\n"), BasketFormat::kFimi, 1, "below 2^32");
  expect_error(write("d.dat", "-1\n"), BasketFormat::kFimi, 1, "'-1'");
}

TEST_F(BasketFileTest, MissingFile) {
  auto path = (dir_ / "nope.csv").string();
  try {
    (void)BasketFile::read(path, BasketFormat::kCsv);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_EQ(e.field(), path);
  }
  EXPECT_THROW((void)BasketFile::read(dir_.string(), BasketFormat::kCsv), Error);
}

}  // namespace
}  // namespace rapport::app
