#include "app/import/csv_reader.hpp"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/import/row_mappers.hpp"

namespace rapport::app {
namespace {

struct Rec {
  std::vector<std::string> fields;
  std::size_t line, end_line;
  std::uint64_t begin, end;
  std::string raw, error;
};

std::vector<Rec> read_all(const std::string& text, CsvReader::Mode mode = CsvReader::Mode::kCsv,
                          std::size_t max = 1 << 20) {
  std::istringstream in(text);
  CsvReader r(in, mode, max);
  CsvRecord rec;
  std::vector<Rec> out;
  while (r.next(rec)) {
    out.push_back({rec.fields, rec.line, rec.end_line, rec.begin, rec.end, rec.raw, rec.error});
  }
  return out;
}

using V = std::vector<std::string>;

TEST(CsvReader, PlainRecordsWithPositions) {
  auto rs = read_all("a,b,c\n1,2,3\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (V{"a", "b", "c"}));
  EXPECT_EQ(rs[1].fields, (V{"1", "2", "3"}));
  EXPECT_EQ(rs[1].line, 2u);
  EXPECT_EQ(rs[1].begin, 6u);
  EXPECT_EQ(rs[1].end, 12u);
  EXPECT_EQ(rs[1].raw, "1,2,3");
}

TEST(CsvReader, QuotesDoubledQuotesAndEmbeddedNewlinesKeepLineNumbers) {
  auto rs = read_all("h1,h2\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\nlast,row\n");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[1].fields, (V{"x, y", "say \"hi\""}));
  EXPECT_EQ(rs[2].fields, (V{"two\nlines", "z"}));
  EXPECT_EQ(rs[2].line, 3u);
  EXPECT_EQ(rs[2].end_line, 4u);
  EXPECT_EQ(rs[3].line, 5u);
  EXPECT_EQ(rs[3].fields, (V{"last", "row"}));
}

TEST(CsvReader, BomCrlfBlankLinesAndNoFinalNewline) {
  auto rs = read_all("\xEF\xBB\xBFid,name\r\n\r\n1,Ann\r\n2,Bob");
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[0].fields, (V{"id", "name"}));
  EXPECT_EQ(rs[1].line, 3u);
  EXPECT_EQ(rs[1].fields, (V{"1", "Ann"}));
  EXPECT_EQ(rs[2].line, 4u);
  EXPECT_EQ(rs[2].fields, (V{"2", "Bob"}));
  EXPECT_EQ(rs[2].end, 26u);
  EXPECT_EQ(rs[1].raw, "1,Ann");
}

TEST(CsvReader, EmptyFieldsAndTrailingComma) {
  auto rs = read_all("a,,c,\n");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].fields, (V{"a", "", "c", ""}));
}

TEST(CsvReader, BytesPassThroughIncludingBadUtf8) {
  auto rs = read_all("n\n\xff\xfe,\xe7\x8e\x8b\xe8\x8a\xb3\n");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[1].fields[0], "\xff\xfe");
  EXPECT_EQ(rs[1].fields[1], "王芳");
}

TEST(CsvReader, MalformedRecordsAreReportedAndReadingGoesOn) {
  auto rs = read_all("a,b\n\"x\"y,2\n3,4\n\"open,5\n");
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_NE(rs[1].error.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(rs[1].line, 2u);
  EXPECT_EQ(rs[2].fields, (V{"3", "4"}));
  EXPECT_EQ(rs[2].line, 3u);
  EXPECT_NE(rs[3].error.find("not closed"), std::string::npos);
  EXPECT_EQ(rs[3].line, 4u);
}

TEST(CsvReader, OverlongRecordIsAnError) {
  auto rs = read_all("a\n" + std::string(100, 'x') + "\nb\n", CsvReader::Mode::kCsv, 50);
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_NE(rs[1].error.find("longer than 50"), std::string::npos);
  EXPECT_EQ(rs[2].fields, (V{"b"}));
  EXPECT_EQ(rs[2].line, 3u);
}

TEST(CsvReader, WhitespaceModeReadsCdnowLines) {
  auto rs = read_all(" 00004 0001 19970101  2   29.33\n\n 00021 0002 19970101  3   63.34",
                     CsvReader::Mode::kWhitespace);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].fields, (V{"00004", "0001", "19970101", "2", "29.33"}));
  EXPECT_EQ(rs[1].line, 3u);
}

TEST(CsvReader, SeekContinuesAtACheckpoint) {
  std::string text = "h\n1\n\"2\n2\"\n3\n4\n";
  auto all = read_all(text);
  ASSERT_EQ(all.size(), 5u);
  std::istringstream in(text);
  CsvReader r(in);
  r.seek(all[2].end, all[2].end_line);
  CsvRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.fields, (V{"3"}));
  EXPECT_EQ(rec.line, 5u);
  EXPECT_EQ(rec.begin, all[3].begin);
}

TEST(ImportParsing, DecimalsToMinorUnitsExactly) {
  EXPECT_EQ(parse_decimal_minor("12", 2), 1200);
  EXPECT_EQ(parse_decimal_minor("0.85", 2), 85);
  EXPECT_EQ(parse_decimal_minor("-3.5", 2), -350);
  EXPECT_EQ(parse_decimal_minor("2.100", 2), 210);
  EXPECT_EQ(parse_decimal_minor(".5", 2), 50);
  EXPECT_EQ(parse_decimal_minor("1.005", 2), std::nullopt);
  EXPECT_EQ(parse_decimal_minor("1,5", 2), std::nullopt);
  EXPECT_EQ(parse_decimal_minor("", 2), std::nullopt);
  EXPECT_EQ(parse_decimal_minor("-", 2), std::nullopt);
  EXPECT_EQ(parse_decimal_minor("1e3", 2), std::nullopt);
}

TEST(ImportParsing, InvoiceTimesInBothRetailLayouts) {
  EXPECT_EQ(parse_invoice_time("2010-12-01 08:26:00"), parse_time("2010-12-01T08:26:00Z"));
  EXPECT_EQ(parse_invoice_time("12/1/2010 8:26"), parse_time("2010-12-01T08:26:00Z"));
  EXPECT_EQ(parse_invoice_time("2/30/2010 8:26"), std::nullopt);
  EXPECT_EQ(parse_invoice_time("12/1/2010"), std::nullopt);
  EXPECT_EQ(parse_invoice_time("yesterday"), std::nullopt);
}

TEST(ImportParsing, CountriesAndHeaders) {
  EXPECT_EQ(country_code("United Kingdom"), "GB");
  EXPECT_EQ(country_code("EIRE"), "IE");
  EXPECT_EQ(country_code("cn"), "CN");
  EXPECT_EQ(country_code("Unspecified"), std::nullopt);
  EXPECT_EQ(header_key("Customer ID"), "customerid");
  EXPECT_EQ(header_key(" E-Mail "), "email");
}

}  // namespace
}  // namespace rapport::app
