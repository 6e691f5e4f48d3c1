#include "app/transactions_file.hpp"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport::app {
namespace {

std::string write_file(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "rapport_tx_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// The error a read raises, as "field|message".
std::string read_error(const std::string& path, TransactionFormat format) {
  try {
    TransactionsFile::read(path, format);
  } catch (const Error& e) {
    return e.field() + "|" + e.what();
  }
  return "no error";
}

TEST(TransactionsFile, ReadsTheCdnowSample) {
  const auto f = TransactionsFile::read(
      std::string(RAPPORT_SHARED_DATA) + "/cdnow/CDNOW_sample.txt", TransactionFormat::kCdnow);
  EXPECT_EQ(f.transactions.size(), 6919u);
  EXPECT_EQ(f.customer_names.size(), 2357u);
  EXPECT_EQ(f.customer_names[0], "00004");
  EXPECT_EQ(format_day(f.transactions[0].day), "1997-01-01");
  EXPECT_DOUBLE_EQ(f.transactions[0].amount, 29.33);
  EXPECT_EQ(f.lines, 6919u);
}

TEST(TransactionsFile, ReadsCsvWithQuotesCrlfBomAndBlankLines) {
  const std::string path = write_file("good.csv",
                                      "\xEF\xBB\xBF"
                                      "customer_id,date,amount\r\n"
                                      "c1,2024-01-05,10.50\r\n"
                                      "\r\n"
                                      "\"ACME, Inc.\" , 2024-02-29 , -3\n"
                                      "c1,2024-03-01,0.07");  // no final newline
  const auto f = TransactionsFile::read(path, TransactionFormat::kCsv);
  ASSERT_EQ(f.transactions.size(), 3u);
  EXPECT_EQ(f.customer_names, (std::vector<std::string>{"c1", "ACME, Inc."}));
  EXPECT_EQ(f.transactions[0].customer, 0);
  EXPECT_EQ(f.transactions[1].customer, 1);
  EXPECT_EQ(f.transactions[2].customer, 0);
  EXPECT_DOUBLE_EQ(f.transactions[0].amount, 10.5);
  EXPECT_DOUBLE_EQ(f.transactions[1].amount, -3);
  EXPECT_DOUBLE_EQ(f.transactions[2].amount, 0.07);
  EXPECT_EQ(format_day(f.transactions[1].day), "2024-02-29");
  EXPECT_EQ(f.lines, 5u);
  // The streaming interface gives exact minor units and line numbers.
  std::vector<std::int64_t> minor;
  std::vector<std::size_t> lines;
  TransactionsFile::for_each(path, TransactionFormat::kCsv, [&](const TransactionRecord& r) {
    minor.push_back(r.amount_minor);
    lines.push_back(r.line);
  });
  EXPECT_EQ(minor, (std::vector<std::int64_t>{1050, -300, 7}));
  EXPECT_EQ(lines, (std::vector<std::size_t>{2, 4, 5}));
}

TEST(TransactionsFile, MalformedLinesNameFileLineAndReason) {
  const std::string header = "customer_id,date,amount\n";
  struct Case {
    std::string content, line, reason;
  };
  const std::vector<Case> cases = {
      {header + "c1,2024-01-05,1\nc2,2024-02-30,1\n", "3", "date '2024-02-30'"},
      {header + "c1,2024-01-05\n", "2", "expected 3 fields"},
      {header + "c1,2024-01-05,12.345\n", "2", "amount '12.345'"},
      {header + "c1,2024-01-05,ten\n", "2", "amount 'ten'"},
      {header + ",2024-01-05,1\n", "2", "empty customer id"},
      {header + "\"c1,2024-01-05,1\n", "2", "unbalanced quotes"},
      {"id,day,value\nc1,2024-01-05,1\n", "1", "expected the header"},
      {"", "1", "empty file"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string path = write_file("bad" + std::to_string(i) + ".csv", cases[i].content);
    const std::string error = read_error(path, TransactionFormat::kCsv);
    EXPECT_EQ(error.substr(0, error.find('|')), path + ":" + cases[i].line) << error;
    EXPECT_NE(error.find(cases[i].reason), std::string::npos) << error;
  }
  const std::string cdnow = write_file("bad.txt",
                                       " 00004 0001 19970101  2   29.33\n"
                                       " 00004 0001 19971301  2   29.33\n");
  const std::string error = read_error(cdnow, TransactionFormat::kCdnow);
  EXPECT_EQ(error.substr(0, error.find('|')), cdnow + ":2") << error;
  EXPECT_NE(error.find("YYYYMMDD"), std::string::npos) << error;
  const std::string short_row = write_file("short.txt", " 00004 0001 19970101 29.33\n");
  EXPECT_NE(read_error(short_row, TransactionFormat::kCdnow).find("expected 5 fields"),
            std::string::npos);
}

TEST(TransactionsFile, MissingFileAndLongLines) {
  try {
    TransactionsFile::read("/nonexistent/x.csv", TransactionFormat::kCsv);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_EQ(e.field(), "/nonexistent/x.csv");
  }
  const std::string path = write_file(
      "long.csv", "customer_id,date,amount\n" + std::string(100, 'x') + ",2024-01-01,1\n");
  TransactionReadOptions small;
  small.max_line_bytes = 50;
  try {
    TransactionsFile::read(path, TransactionFormat::kCsv, small);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), path + ":2");
  }
}

TEST(TransactionsFile, DayParsing) {
  EXPECT_EQ(parse_day("1970-01-01"), 0);
  EXPECT_EQ(parse_day("19700102", true), 1);
  EXPECT_FALSE(parse_day("2023-02-29"));
  EXPECT_FALSE(parse_day("2023-1-05"));
  EXPECT_FALSE(parse_day("20230105"));  // compact form only when asked
  EXPECT_EQ(parse_transaction_format("cdnow"), TransactionFormat::kCdnow);
  EXPECT_FALSE(parse_transaction_format("xlsx"));
}

}  // namespace
}  // namespace rapport::app
