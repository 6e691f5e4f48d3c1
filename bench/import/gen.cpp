// Deterministic generator of benchmark input.
//   bench_import_gen invoices N SEED  > file.csv   N invoice lines in the retail layout
//   bench_import_gen customers N SEED > file.csv   N customers (name, email, phone, city, ...)
// Invoices look like the UCI Online Retail data: about 20 lines per invoice, 4,000 stock codes,
// 5,000 customers, a quarter of the lines in anonymous baskets, 2% cancellations.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

namespace {

std::uint64_t s;
std::uint64_t next() {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
unsigned below(unsigned n) {
  return static_cast<unsigned>(next() % n);
}

const char* kWords[] = {"WHITE",   "HANGING", "HEART", "T-LIGHT",  "HOLDER",  "METAL",
                        "LANTERN", "CREAM",   "CUPID", "HEARTS",   "COAT",    "HANGER",
                        "KNITTED", "UNION",   "FLAG",  "HOT",      "WATER",   "BOTTLE",
                        "RED",     "WOOLLY",  "SET",   "OF",       "3",       "VINTAGE",
                        "JUMBO",   "BAG",     "PINK",  "POLKADOT", "REGENCY", "CAKESTAND"};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s invoices|customers N [SEED]\n", argv[0]);
    return 2;
  }
  const long n = std::atol(argv[2]);
  s = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  static char buf[1 << 16];
  std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
  if (std::strcmp(argv[1], "customers") == 0) {
    std::printf("external_id,name,email,phone,city,country,tags\n");
    const char* fam[] = {"王", "李", "张", "刘", "陈", "Smith", "Garcia", "Lee", "Brown", "Kim"};
    const char* giv[] = {"芳", "伟", "娜", "敏", "静", "Emma", "Liam", "Olivia", "Noah", "Ava"};
    const char* city[] = {"Shanghai", "Beijing", "New York", "Seattle", "Chengdu", "Boston"};
    for (long i = 0; i < n; ++i) {
      unsigned f = below(10);
      bool cn = f < 5;
      std::string name =
          cn ? std::string(fam[f]) + giv[below(5)] : std::string(giv[5 + below(5)]) + " " + fam[f];
      std::printf("C%ld,%s,user%ld@example.com,+1206%03u%04ld,%s,%s,%s\n", i, name.c_str(), i,
                  200 + static_cast<unsigned>(i / 10000) % 800, i % 10000, city[below(6)],
                  cn ? "CN" : "US", i % 7 == 0 ? "vip" : "");
    }
    return 0;
  }
  std::printf("Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n");
  long invoice = 489434;
  std::int64_t t = 1259654400;  // 2009-12-01
  for (long line = 0; line < n;) {
    ++invoice;
    t += 60 + below(900);
    bool cancel = below(50) == 0;
    bool anonymous = below(4) == 0;
    unsigned customer = 12346 + below(5000);
    unsigned lines = 1 + below(40);
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm);
    for (unsigned k = 0; k < lines && line < n; ++k, ++line) {
      unsigned code = 10000 + below(4000);
      unsigned w1 = code % 30, w2 = (code / 30) % 30, w3 = (code / 900) % 30;
      int qty = 1 + static_cast<int>(below(24));
      unsigned price = 10 + (code * 37) % 1500;
      std::printf("%s%ld,%u,%s %s %s,%d,%s,%u.%02u,", cancel ? "C" : "", invoice, code, kWords[w1],
                  kWords[w2], kWords[w3], cancel ? -qty : qty, date, price / 100, price % 100);
      if (anonymous) {
        std::printf(",United Kingdom\n");
      } else {
        std::printf("%u.0,United Kingdom\n", customer);
      }
    }
  }
  return 0;
}
