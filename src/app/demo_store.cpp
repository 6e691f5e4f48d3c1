#include "app/demo_store.hpp"

#include "app/loyalty_service.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/audit_log.hpp"
#include "app/contact_normalizer.hpp"
#include "app/loyalty_service.hpp"
#include "app/settings.hpp"
#include "app/sla_policy_service.hpp"
#include "app/ticket_service.hpp"
#include "core/error.hpp"
#include "core/ticket_rules.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"

namespace rapport::app {

namespace {

// Our own generator and samplers instead of <random>'s distributions: the standard leaves
// their algorithms to the library, and "same seed, same store" should hold on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {}
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }  // inclusive
  bool chance(double p) { return real() < p; }
  double exponential(double mean) { return -mean * std::log(1.0 - real()); }
  int poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) {  // normal approximation: exact enough for a demo, and bounded time
      double u1 = real() + 1e-12;
      double u2 = real();
      double z = std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      return std::max(0, static_cast<int>(std::lround(mean + z * std::sqrt(mean))));
    }
    double l = std::exp(-mean);
    double p = 1;
    int k = 0;
    do {
      ++k;
      p *= real();
    } while (p > l);
    return k - 1;
  }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))];
  }

 private:
  std::uint64_t s_;
};

// Index drawn with probability proportional to weights (cumulative array, binary search).
class Sampler {
 public:
  Sampler() = default;
  explicit Sampler(const std::vector<double>& w) {
    cum_.reserve(w.size());
    double s = 0;
    for (double x : w) cum_.push_back(s += x);
  }
  int draw(Rng& r) const { return draw_range(r, 0, static_cast<int>(cum_.size())); }
  // Among indices [lo, hi).
  int draw_range(Rng& r, int lo, int hi) const {
    double a = lo == 0 ? 0 : cum_[static_cast<std::size_t>(lo - 1)];
    double b = cum_[static_cast<std::size_t>(hi - 1)];
    double u = a + r.real() * (b - a);
    auto it = std::upper_bound(cum_.begin() + lo, cum_.begin() + hi, u);
    if (it == cum_.begin() + hi) --it;
    return static_cast<int>(it - cum_.begin());
  }

 private:
  std::vector<double> cum_;
};

// Civil date of a day number (days since 1970-01-01); H. Hinnant's algorithm.
struct Ymd {
  int y, m, d;
};
Ymd civil(std::int64_t z) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto y = static_cast<int>(yoe + era * 400);
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  auto d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  auto m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {m <= 2 ? y + 1 : y, m, d};
}
std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy =
      (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
int weekday(std::int64_t day) {  // 0 = Monday
  return static_cast<int>(((day % 7) + 7 + 3) % 7);
}

constexpr std::int64_t kHourMs = 3600000;

// How busy a calendar day is: weekends, months, and the shopping festivals of both markets
// (6.18 and 11.11 in China, Black Friday / Cyber Monday and December in the US).
double day_weight(std::int64_t day) {
  static constexpr std::array<double, 7> kWeek = {0.85, 0.85, 0.9, 0.95, 1.1, 1.45, 1.3};
  static constexpr std::array<double, 12> kMonth = {0.85, 0.75, 0.9, 0.95, 1.0,  1.05,
                                                    0.95, 0.95, 1.0, 1.05, 1.35, 1.6};
  Ymd c = civil(day);
  double w =
      kWeek[static_cast<std::size_t>(weekday(day))] * kMonth[static_cast<std::size_t>(c.m - 1)];
  if (c.m == 11 && c.d == 11) w *= 3.5;
  if (c.m == 11 && c.d >= 9 && c.d <= 12) w *= 1.4;
  if (c.m == 6 && c.d == 18) w *= 2.5;
  if (c.m == 2 && c.d >= 10 && c.d <= 14) w *= 1.4;
  // Black Friday: the day after the fourth Thursday of November.
  std::int64_t nov1 = days_from_civil(c.y, 11, 1);
  std::int64_t thanksgiving = nov1 + ((3 - weekday(nov1)) + 7) % 7 + 21;
  if (day == thanksgiving + 1) w *= 3.0;
  if (day == thanksgiving + 4) w *= 2.0;  // Cyber Monday
  if (c.m == 12 && c.d >= 12 && c.d <= 23) w *= 1.5;
  if (c.m == 12 && c.d == 25) w *= 0.3;
  if (c.m == 1 && c.d == 1) w *= 0.5;
  return w;
}

struct City {
  const char* name;
  const char* region;
  const char* country;
  double weight;
  const char* store;  // our shop there, or nullptr
  int utc_offset_h;
  std::vector<const char*> area_codes;  // NANP only
  const char* postal;
};

const std::vector<City>& cities() {
  static const std::vector<City> k = {
      {"Shanghai", "Shanghai", "CN", 14, "Shanghai Jing'an", 8, {}, "2000"},
      {"Beijing", "Beijing", "CN", 11, "Beijing Sanlitun", 8, {}, "1000"},
      {"Shenzhen", "Guangdong", "CN", 8, "Shenzhen Futian", 8, {}, "5180"},
      {"Guangzhou", "Guangdong", "CN", 7, "Guangzhou Tianhe", 8, {}, "5100"},
      {"Hangzhou", "Zhejiang", "CN", 6, "Hangzhou West Lake", 8, {}, "3100"},
      {"Chengdu", "Sichuan", "CN", 5, "Chengdu Chunxi Road", 8, {}, "6100"},
      {"Nanjing", "Jiangsu", "CN", 4, nullptr, 8, {}, "2100"},
      {"Wuhan", "Hubei", "CN", 3, nullptr, 8, {}, "4300"},
      {"Suzhou", "Jiangsu", "CN", 3, nullptr, 8, {}, "2150"},
      {"Xi'an", "Shaanxi", "CN", 2, nullptr, 8, {}, "7100"},
      {"Chongqing", "Chongqing", "CN", 2, nullptr, 8, {}, "4000"},
      {"New York", "NY", "US", 9, "New York SoHo", -5, {"212", "646", "917", "718"}, "100"},
      {"San Francisco", "CA", "US", 6, "San Francisco Union Square", -8, {"415", "628"}, "941"},
      {"Los Angeles", "CA", "US", 6, "Los Angeles The Grove", -8, {"213", "310", "323"}, "900"},
      {"Seattle", "WA", "US", 4, "Seattle Pike Place", -8, {"206", "425"}, "981"},
      {"Chicago", "IL", "US", 4, nullptr, -6, {"312", "773"}, "606"},
      {"Boston", "MA", "US", 3, nullptr, -5, {"617", "857"}, "021"},
      {"Houston", "TX", "US", 3, nullptr, -6, {"713", "832"}, "770"},
      {"Vancouver", "BC", "CA", 2, nullptr, -8, {"604", "778"}, "V6B"},
      {"Toronto", "ON", "CA", 2, nullptr, -5, {"416", "647"}, "M5V"},
  };
  return k;
}

struct Hanzi {
  const char* han;
  const char* pinyin;
};
// The most common family names (weights roughly their share of the population).
const std::vector<std::pair<Hanzi, double>>& family_names() {
  static const std::vector<std::pair<Hanzi, double>> k = {
      {{"王", "Wang"}, 7.1},    {{"李", "Li"}, 7.0},    {{"张", "Zhang"}, 6.7},
      {{"刘", "Liu"}, 5.4},     {{"陈", "Chen"}, 4.5},  {{"杨", "Yang"}, 3.1},
      {{"黄", "Huang"}, 2.2},   {{"赵", "Zhao"}, 2.0},  {{"吴", "Wu"}, 1.9},
      {{"周", "Zhou"}, 1.9},    {{"徐", "Xu"}, 1.3},    {{"孙", "Sun"}, 1.3},
      {{"马", "Ma"}, 1.1},      {{"朱", "Zhu"}, 1.1},   {{"胡", "Hu"}, 1.0},
      {{"郭", "Guo"}, 1.0},     {{"何", "He"}, 0.9},    {{"高", "Gao"}, 0.9},
      {{"林", "Lin"}, 0.9},     {{"罗", "Luo"}, 0.8},   {{"郑", "Zheng"}, 0.8},
      {{"梁", "Liang"}, 0.7},   {{"谢", "Xie"}, 0.6},   {{"宋", "Song"}, 0.6},
      {{"唐", "Tang"}, 0.6},    {{"许", "Xu"}, 0.5},    {{"韩", "Han"}, 0.5},
      {{"冯", "Feng"}, 0.5},    {{"邓", "Deng"}, 0.5},  {{"曹", "Cao"}, 0.5},
      {{"彭", "Peng"}, 0.4},    {{"曾", "Zeng"}, 0.4},  {{"肖", "Xiao"}, 0.4},
      {{"田", "Tian"}, 0.4},    {{"董", "Dong"}, 0.4},  {{"袁", "Yuan"}, 0.4},
      {{"潘", "Pan"}, 0.3},     {{"蒋", "Jiang"}, 0.3}, {{"蔡", "Cai"}, 0.3},
      {{"杜", "Du"}, 0.3},      {{"叶", "Ye"}, 0.3},    {{"程", "Cheng"}, 0.3},
      {{"苏", "Su"}, 0.3},      {{"魏", "Wei"}, 0.3},   {{"丁", "Ding"}, 0.3},
      {{"任", "Ren"}, 0.3},     {{"沈", "Shen"}, 0.3},  {{"欧阳", "Ouyang"}, 0.05},
      {{"司马", "Sima"}, 0.02},
  };
  return k;
}
const std::vector<Hanzi>& given_female() {
  static const std::vector<Hanzi> k = {
      {"芳", "Fang"}, {"娜", "Na"},   {"敏", "Min"},  {"静", "Jing"}, {"丽", "Li"},  {"艳", "Yan"},
      {"娟", "Juan"}, {"霞", "Xia"},  {"秀", "Xiu"},  {"婷", "Ting"}, {"雪", "Xue"}, {"琳", "Lin"},
      {"慧", "Hui"},  {"颖", "Ying"}, {"佳", "Jia"},  {"欣", "Xin"},  {"怡", "Yi"},  {"梅", "Mei"},
      {"晶", "Jing"}, {"倩", "Qian"}, {"玲", "Ling"}, {"萍", "Ping"}, {"燕", "Yan"}, {"红", "Hong"},
      {"月", "Yue"},  {"诗", "Shi"},  {"雨", "Yu"},   {"思", "Si"},   {"悦", "Yue"}, {"涵", "Han"}};
  return k;
}
const std::vector<Hanzi>& given_male() {
  static const std::vector<Hanzi> k = {
      {"伟", "Wei"},  {"强", "Qiang"}, {"磊", "Lei"},  {"军", "Jun"},  {"洋", "Yang"},
      {"勇", "Yong"}, {"杰", "Jie"},   {"涛", "Tao"},  {"明", "Ming"}, {"超", "Chao"},
      {"刚", "Gang"}, {"平", "Ping"},  {"辉", "Hui"},  {"鹏", "Peng"}, {"华", "Hua"},
      {"飞", "Fei"},  {"鑫", "Xin"},   {"波", "Bo"},   {"斌", "Bin"},  {"宇", "Yu"},
      {"浩", "Hao"},  {"凯", "Kai"},   {"健", "Jian"}, {"俊", "Jun"},  {"帆", "Fan"},
      {"博", "Bo"},   {"文", "Wen"},   {"志", "Zhi"},  {"建", "Jian"}, {"国", "Guo"}};
  return k;
}
const std::vector<const char*>& english_female() {
  static const std::vector<const char*> k = {
      "Emma",    "Olivia",   "Ava",     "Sophia",   "Isabella",  "Mia",    "Charlotte", "Amelia",
      "Harper",  "Evelyn",   "Abigail", "Emily",    "Elizabeth", "Sofia",  "Madison",   "Avery",
      "Ella",    "Grace",    "Chloe",   "Victoria", "Riley",     "Lily",   "Hannah",    "Sarah",
      "Jessica", "Jennifer", "Ashley",  "Megan",    "Laura",     "Rachel", "Zoe",       "Nora"};
  return k;
}
const std::vector<const char*>& english_male() {
  static const std::vector<const char*> k = {
      "Liam",   "Noah",        "William", "James",     "Oliver", "Benjamin", "Elijah",
      "Lucas",  "Mason",       "Logan",   "Alexander", "Ethan",  "Jacob",    "Michael",
      "Daniel", "Henry",       "Jackson", "Sebastian", "Aiden",  "Matthew",  "David",
      "Joseph", "Christopher", "Andrew",  "Ryan",      "Nathan", "Brandon",  "Kevin",
      "Justin", "Robert",      "John",    "Thomas"};
  return k;
}
const std::vector<const char*>& english_last() {
  static const std::vector<const char*> k = {
      "Smith",    "Johnson",   "Williams", "Brown",     "Jones",    "Garcia",   "Miller",
      "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",    "Gonzalez", "Wilson",
      "Anderson", "Thomas",    "Taylor",   "Moore",     "Jackson",  "Martin",   "Lee",
      "Perez",    "Thompson",  "White",    "Harris",    "Sanchez",  "Clark",    "Ramirez",
      "Lewis",    "Robinson",  "Walker",   "Young",     "Allen",    "King",     "Wright",
      "Scott",    "Torres",    "Nguyen",   "Hill",      "Flores",   "Green",    "Adams",
      "Nelson",   "Baker",     "Hall",     "Rivera",    "Campbell", "Mitchell", "Carter",
      "Roberts",  "O'Brien",   "Murphy",   "Cooper",    "Reed",     "Bailey",   "Kim",
      "Patel",    "Murray",    "Fischer",  "Novak",     "Rossi",    "Dubois",   "Schmidt",
      "Svensson"};
  return k;
}

struct Leaf {
  const char* top;
  const char* name;
  const char* code;
  double lo, hi;  // price range, major units
  std::vector<const char*> bases;
  std::vector<const char*> variants;
  double return_rate;
  std::vector<int> related;  // indices of other leaves bought with this one
  const char* interest_tag;
};

std::vector<Leaf> leaves() {
  return {
      {"Electronics",
       "Phones & Accessories",
       "PHA",
       5,
       45,
       {"Phone Case", "Screen Protector", "USB-C Charger 20W", "Wireless Charger",
        "Power Bank 10000mAh", "Charging Cable 1m", "Car Phone Mount", "Phone Stand"},
       {"Black", "White", "Blue", "Pink", "Clear"},
       0.04,
       {1, 2, 3},
       "gadget-fan"},
      {"Electronics",
       "Audio",
       "AUD",
       19,
       199,
       {"Wireless Earbuds", "Over-Ear Headphones", "Bluetooth Speaker", "Mini Speaker",
        "Wired Earphones", "Soundbar"},
       {"Black", "White", "Silver", "Navy"},
       0.05,
       {0, 2},
       "gadget-fan"},
      {"Electronics",
       "Computers & Tablets",
       "CMP",
       15,
       129,
       {"Wireless Mouse", "Mechanical Keyboard", "Laptop Sleeve 14in", "USB-C Hub", "Tablet Stand",
        "Webcam 1080p", "Laptop Backpack", "Monitor Light Bar"},
       {"Black", "Grey", "White"},
       0.05,
       {0, 1, 21},
       "gadget-fan"},
      {"Electronics",
       "Smart Home",
       "SMH",
       12,
       399,
       {"Smart Plug", "Smart Bulb", "Wi-Fi Camera", "Robot Vacuum", "Air Purifier",
        "Smart Speaker"},
       {"White", "Black"},
       0.05,
       {0, 6},
       "gadget-fan"},
      {"Home & Kitchen",
       "Cookware",
       "CKW",
       19,
       149,
       {"Nonstick Frying Pan 28cm", "Stainless Wok 32cm", "Rice Cooker 1.8L", "Cast Iron Skillet",
        "Stockpot 5L", "Bamboo Steamer"},
       {"Classic", "Pro"},
       0.03,
       {5, 17, 20},
       "home-cook"},
      {"Home & Kitchen",
       "Tableware",
       "TBW",
       6,
       59,
       {"Porcelain Mug", "Ceramic Bowl Set", "Chopsticks Set", "Dinner Plate Set", "Glass Teapot",
        "Tea Cup Set", "Travel Tumbler"},
       {"White", "Blue & White", "Celadon", "Matte Black"},
       0.03,
       {4, 15, 16},
       "home-cook"},
      {"Home & Kitchen",
       "Home Decor",
       "DEC",
       9,
       79,
       {"Scented Candle", "Photo Frame", "Throw Pillow", "Wall Clock", "Table Lamp",
        "Ceramic Vase"},
       {"Grey", "Beige", "Green", "Rose"},
       0.04,
       {7, 3},
       nullptr},
      {"Home & Kitchen",
       "Bedding",
       "BED",
       15,
       129,
       {"Cotton Duvet Cover", "Silk Pillowcase", "Memory Foam Pillow", "Weighted Blanket",
        "Bath Towel Set"},
       {"White", "Grey", "Sage"},
       0.06,
       {6},
       nullptr},
      {"Beauty",
       "Skincare",
       "SKN",
       8,
       68,
       {"Hydrating Face Cream 50ml", "Vitamin C Serum 30ml", "Sheet Mask 10-Pack",
        "Sunscreen SPF50", "Cleansing Oil 200ml", "Toner 150ml", "Eye Cream 15ml"},
       {"Normal Skin", "Dry Skin", "Sensitive Skin"},
       0.03,
       {9, 10},
       "beauty"},
      {"Beauty",
       "Makeup",
       "MKP",
       9,
       49,
       {"Lipstick", "Cushion Foundation", "Mascara", "Eyeshadow Palette", "Setting Spray"},
       {"Ruby", "Coral", "Nude", "Berry"},
       0.04,
       {8, 10, 11},
       "beauty"},
      {"Beauty",
       "Fragrance",
       "FRG",
       15,
       99,
       {"Eau de Parfum 50ml", "Body Mist", "Solid Perfume"},
       {"Jasmine", "Osmanthus", "Citrus", "Sandalwood"},
       0.03,
       {8, 9},
       "beauty"},
      {"Clothing",
       "Women",
       "WMN",
       15,
       199,
       {"Cotton T-Shirt", "Silk Blouse", "Knit Sweater", "Down Jacket", "Slim Jeans", "Qipao Dress",
        "Yoga Leggings"},
       {"S", "M", "L"},
       0.12,
       {14, 9, 18},
       "fashion"},
      {"Clothing",
       "Men",
       "MEN",
       15,
       249,
       {"Oxford Shirt", "Polo Shirt", "Chinos", "Hoodie", "Down Jacket", "Wool Coat",
        "Running Shorts"},
       {"M", "L", "XL"},
       0.11,
       {14, 18},
       "fashion"},
      {"Clothing",
       "Kids",
       "KID",
       9,
       49,
       {"Kids T-Shirt", "Kids Hoodie", "Kids Rain Jacket", "Baby Romper"},
       {"Age 2-3", "Age 4-5", "Age 6-8"},
       0.09,
       {22, 20},
       "family"},
      {"Clothing",
       "Shoes",
       "SHO",
       19,
       129,
       {"Running Shoes", "Canvas Sneakers", "Leather Loafers", "Home Slippers"},
       {"EU 38", "EU 40", "EU 42", "EU 44"},
       0.10,
       {11, 12, 18},
       "fashion"},
      {"Food & Drinks",
       "Tea",
       "TEA",
       6,
       89,
       {"West Lake Longjing Tea 250g", "Pu'er Tea Cake 357g", "Tieguanyin Oolong 250g",
        "Jasmine Green Tea 100g", "Earl Grey 50 Bags", "Da Hong Pao 125g", "Chrysanthemum Tea 50g"},
       {"Standard", "Gift Box"},
       0.01,
       {5, 17},
       "tea-lover"},
      {"Food & Drinks",
       "Coffee",
       "COF",
       7,
       39,
       {"Espresso Beans 1kg", "House Blend Ground 500g", "Yunnan Single Origin 250g",
        "Drip Bags 10-Pack", "Cold Brew Concentrate"},
       {"Standard", "Decaf"},
       0.01,
       {5, 17},
       "coffee-lover"},
      {"Food & Drinks",
       "Snacks",
       "SNK",
       3,
       39,
       {"Mooncake Gift Box", "Dried Mango 200g", "Mixed Nuts 500g", "Dark Chocolate Bar",
        "Seaweed Snack 12-Pack", "Pineapple Cakes 10-Pack", "Butter Cookies Tin"},
       {"Standard", "Family Size"},
       0.01,
       {15, 16},
       nullptr},
      {"Sports & Outdoors",
       "Fitness",
       "FIT",
       8,
       79,
       {"Yoga Mat 6mm", "Resistance Bands Set", "Dumbbell Pair 5kg", "Jump Rope", "Foam Roller"},
       {"Purple", "Black", "Teal"},
       0.05,
       {19, 11, 12},
       "outdoors"},
      {"Sports & Outdoors",
       "Outdoor",
       "OUT",
       12,
       199,
       {"Camping Tent 2P", "Sleeping Bag", "Hiking Backpack 30L", "Insulated Water Bottle 750ml",
        "Trekking Poles"},
       {"Green", "Orange", "Grey"},
       0.06,
       {18, 14},
       "outdoors"},
      {"Books & Stationery",
       "Books",
       "BOK",
       8,
       45,
       {"Cookbook: Home-Style Chinese", "Travel Guide: Yunnan", "Novel: The Three-Body Problem",
        "Children's Picture Book", "Learn Mandarin Workbook", "Business Strategy Handbook"},
       {"Paperback", "Hardcover"},
       0.02,
       {21, 4, 22},
       "bookworm"},
      {"Books & Stationery",
       "Stationery",
       "STA",
       3,
       59,
       {"Fountain Pen", "Gel Pen 12-Pack", "Dotted Notebook A5", "Calligraphy Brush Set",
        "Desk Organizer", "Washi Tape Set"},
       {"Black", "Red", "Blue"},
       0.02,
       {20, 2},
       "bookworm"},
      {"Toys & Games",
       "Toys",
       "TOY",
       9,
       89,
       {"Building Blocks 500pcs", "Plush Panda", "Remote Control Car", "Jigsaw Puzzle 1000pcs",
        "Wooden Train Set", "Chinese Chess Set"},
       {"Standard", "Deluxe"},
       0.04,
       {13, 20},
       "family"},
  };
}

const std::vector<const char*>& brands() {
  static const std::vector<const char*> k = {"Aurora", "Jade River", "Northwind", "Lotus",
                                             "Summit", "Harbor",     "Mingshan",  "Bluebird"};
  return k;
}

struct Template {
  const char* channel;
  const char* direction;
  const char* subject_en;
  const char* body_en;
  const char* subject_zh;
  const char* body_zh;
  int when;  // 0 any time, 1 after an order, 2 at sign-up
  bool staff;
};

const std::vector<Template>& templates() {
  static const std::vector<Template> k = {
      {"phone", "inbound", "Delivery time question",
       "Asked when the order would arrive; gave the tracking number.", "询问配送时间",
       "客户询问订单何时送达，已提供物流单号。", 1, true},
      {"phone", "outbound", "Follow-up call after purchase",
       "Customer is happy with the purchase and interested in new arrivals.", "购后回访",
       "客户对商品满意，对新品感兴趣。", 1, true},
      {"phone", "inbound", "Complaint: damaged parcel",
       "Parcel arrived damaged; a replacement was sent.", "投诉：包裹破损",
       "包裹破损，已安排补发。", 1, true},
      {"email", "inbound", "Invoice request", "Asked for a VAT invoice; sent by email.",
       "申请开具发票", "客户申请增值税发票，已通过邮件发送。", 1, true},
      {"email", "outbound", "Welcome to our store", "Welcome email with a first-order coupon.",
       "欢迎加入", "发送欢迎邮件及首单优惠券。", 2, false},
      {"email", "outbound", "Your member benefits", "Sent the loyalty programme overview.",
       "您的会员权益", "发送会员计划介绍。", 0, false},
      {"chat", "inbound", "Size advice", "Recommended size M from the measurements given.",
       "尺码咨询", "根据客户提供的尺寸建议选择M码。", 0, true},
      {"chat", "inbound", "Product availability", "Asked when an item is back in stock.",
       "商品库存咨询", "客户询问商品何时补货。", 0, true},
      {"chat", "inbound", "Coupon not applied",
       "Coupon did not apply at checkout; refunded the "
       "difference.",
       "优惠券无法使用", "结账时优惠券未生效，已退还差价。", 1, true},
      {"sms", "outbound", "Order shipped", "Your order is on its way.", "订单已发货",
       "您的订单已发货。", 1, false},
      {"sms", "outbound", "Seasonal sale reminder", "Reminder of the upcoming seasonal sale.",
       "季节促销提醒", "提醒即将开始的季节促销活动。", 0, false},
      {"social", "inbound", "Comment on a product post",
       "Praised a product photo and asked "
       "about colours.",
       "评论了商品帖子", "称赞商品图片并询问颜色。", 0, false},
      {"visit", "inbound", "Store visit", "Tried on several items; will come back for the sale.",
       "到店试穿", "试穿了几件商品，打算促销时再来。", 0, true},
      {"web", "inbound", "Wishlist updated", "Added items to the wishlist.", "更新了心愿单",
       "将商品加入心愿单。", 0, false},
  };
  return k;
}

const std::vector<const char*>& return_reasons() {
  static const std::vector<const char*> k = {"Wrong size", "Defective", "Changed mind",
                                             "Not as described", "Arrived damaged"};
  return k;
}

struct Product {
  std::int64_t id;
  int leaf;
  std::int64_t price;
  std::vector<int> companions;  // product indices often bought together with this one
};

struct Customer {
  std::int64_t id = 0;
  bool organisation = false;
  bool chinese = false;
  std::string name;
  std::string email, email_norm, phone;
  std::string birth_date, gender, street, city, region, postal, country;
  int city_idx = 0;
  std::int64_t organisation_id = 0;  // index + 1 of the organisation in customers_, 0: none
  std::int64_t owner = 0;
  bool email_consent = false, sms_consent = false;
  std::string email_consent_source, sms_consent_source;
  std::string custom;
  TimeMs created = 0;
  std::int64_t created_day = 0;
  std::array<int, 2> pref_leaves{};
  std::vector<std::string> tags;
  std::string pos_id;
  std::int64_t spend = 0;
  std::vector<std::size_t> orders;  // indices into the orders vector
  bool store_signup = false;
};

struct Line {
  int product;
  std::int64_t qty, unit, discount;
};

struct Order {
  std::int64_t id = 0;
  int customer = -1;
  TimeMs at = 0;
  const char* channel = "web";
  const char* location = nullptr;
  std::int64_t user = 0;
  std::vector<Line> lines;
};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}
std::string without(std::string s, char drop) {
  s.erase(std::remove(s.begin(), s.end(), drop), s.end());
  return s;
}
std::string money(std::int64_t minor) {
  std::string s = "$" + std::to_string(minor / 100) + ".";
  std::int64_t c = minor % 100;
  s += static_cast<char>('0' + c / 10);
  s += static_cast<char>('0' + c % 10);
  return s;
}

class Generator {
 public:
  Generator(store::Connection& conn, const Caller& caller, const DemoStoreOptions& o)
      : conn_(conn), caller_(caller), o_(o), rng_(o.seed) {
    // Everything happens before today's midnight (UTC): the same seed on the same day gives
    // the same store, whatever the time of day it is generated.
    today_ = (o.now != 0 ? o.now : now_ms()) / kDayMs;
    now_ = today_ * kDayMs;
    first_day_ = today_ - o.days;
    for (const auto& s : o.staff) {
      if (s.role == Role::kSales || s.role == Role::kManager) sales_.push_back(s.id);
      if (s.role == Role::kService) service_.push_back(s.id);
      if (s.role == Role::kManager) managers_.push_back(s.id);
    }
    if (sales_.empty() || service_.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "needs sales and service staff", "staff");
    }
    std::vector<double> w;
    for (std::int64_t d = first_day_; d < today_; ++d) {
      // The business grows over the two years: later days weigh up to 60% more.
      double growth = 0.8 + 0.5 * static_cast<double>(d - first_day_) / o.days;
      w.push_back(day_weight(d) * growth);
    }
    days_ = Sampler(w);
    region_ = get_setting(conn, setting::kDefaultRegion);
    currency_ = get_setting(conn, setting::kCurrency);
  }

  DemoStoreSummary run() {
    make_catalog();
    make_customers();
    make_orders();
    make_returns();
    assign_ids_and_tags();
    write();
    return sum_;
  }

 private:
  // --- catalog -------------------------------------------------------------------------------
  void make_catalog() {
    leaves_ = leaves();
    int combos = 0;
    for (const auto& l : leaves_) {
      combos += static_cast<int>(l.bases.size() * l.variants.size() * 2);
    }
    std::vector<double> popularity;
    for (std::size_t li = 0; li < leaves_.size(); ++li) {
      const Leaf& l = leaves_[li];
      int all = static_cast<int>(l.bases.size() * l.variants.size() * 2);
      int want = std::max(2, (o_.products * all + combos - 1) / combos);
      leaf_first_.push_back(static_cast<int>(products_.size()));
      std::vector<double> base_price;
      for (std::size_t b = 0; b < l.bases.size(); ++b) {
        base_price.push_back(l.lo + (l.hi - l.lo) * std::pow(rng_.real(), 1.6));
      }
      // Every combination in a fixed shuffled order; the first `want` become products.
      std::vector<int> order(static_cast<std::size_t>(all));
      for (int i = 0; i < all; ++i) order[static_cast<std::size_t>(i)] = i;
      for (int i = all - 1; i > 0; --i) std::swap(order[i], order[rng_.below(i + 1)]);
      for (int k = 0; k < want && k < all && static_cast<int>(products_.size()) < o_.products;
           ++k) {
        int c = order[static_cast<std::size_t>(k)];
        auto nv = static_cast<int>(l.variants.size());
        int b = c / (nv * 2);
        int v = (c / 2) % nv;
        int brand = static_cast<int>((li * 2 + static_cast<std::size_t>(c % 2)) % brands().size());
        std::string variant = l.variants[static_cast<std::size_t>(v)];
        double price = base_price[static_cast<std::size_t>(b)] * (c % 2 == 0 ? 1.0 : 1.15);
        if (variant == "Gift Box" || variant == "Deluxe" || variant == "Hardcover" ||
            variant == "Pro" || variant == "Family Size") {
          price *= 1.5;
        }
        auto dollars = static_cast<std::int64_t>(std::max(1.0, std::floor(price)));
        Product p;
        p.id = static_cast<std::int64_t>(products_.size()) + 1;
        p.leaf = static_cast<int>(li);
        p.price = dollars * 100 + (dollars >= 50 ? 0 : 99) - (dollars >= 50 ? 1 : 100);
        if (p.price <= 0) p.price = 99;
        products_.push_back(p);
        product_names_.push_back(std::string(brands()[static_cast<std::size_t>(brand)]) + " " +
                                 l.bases[static_cast<std::size_t>(b)] + ", " + variant);
        skus_.push_back(std::string(l.code) + "-" + std::to_string(1000 + k));
        popularity.push_back(1.0 / std::pow(1.0 + rng_.below(60), 0.9));
      }
    }
    leaf_first_.push_back(static_cast<int>(products_.size()));
    // Popularity is also seasonal per leaf in the real world; a global Zipf-like skew is
    // enough for best-seller lists and Pareto curves to look plausible.
    popular_ = Sampler(popularity);
    // Companions: one of the same leaf and two from related leaves, fixed per product, so
    // "bought together" pairs recur often enough to be found as association rules.
    for (auto& p : products_) {
      const Leaf& l = leaves_[static_cast<std::size_t>(p.leaf)];
      auto from_leaf = [&](int leaf) {
        int lo = leaf_first_[static_cast<std::size_t>(leaf)];
        int hi = leaf_first_[static_cast<std::size_t>(leaf) + 1];
        return popular_.draw_range(rng_, lo, hi);
      };
      int same = from_leaf(p.leaf);
      if (same != p.id - 1) p.companions.push_back(same);
      for (int k = 0; k < 2 && !l.related.empty(); ++k) {
        p.companions.push_back(from_leaf(rng_.pick(l.related)));
      }
    }
    sum_.products = static_cast<std::int64_t>(products_.size());
  }

  // --- customers -----------------------------------------------------------------------------
  std::string unique_phone(const City& c) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::string raw;
      std::string region;
      if (std::string_view(c.country) == "CN") {
        static const std::vector<const char*> kPrefixes = {
            "130", "131", "132", "133", "135", "136", "137", "138", "139",
            "150", "151", "152", "155", "156", "157", "158", "159", "177",
            "180", "181", "186", "187", "188", "189", "199"};
        raw = rng_.pick(kPrefixes);
        for (int i = 0; i < 8; ++i) raw += static_cast<char>('0' + rng_.below(10));
        region = "CN";
      } else {
        raw = rng_.pick(c.area_codes);
        raw += static_cast<char>('2' + rng_.below(8));
        raw += static_cast<char>('0' + rng_.below(10));
        raw += static_cast<char>('1' + rng_.below(9));  // avoid N11 service codes
        for (int i = 0; i < 4; ++i) raw += static_cast<char>('0' + rng_.below(10));
        region = c.country;
      }
      try {
        std::string e164 = normalize_phone("phone", raw, region);
        if (phones_.insert(e164).second) return e164;
      } catch (const Error&) {  // NOLINT(bugprone-empty-catch): not valid there, draw again
      }
    }
    return {};
  }

  std::string unique_email(std::string local, bool chinese) {
    static const std::vector<const char*> kCn = {
        "qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com", "outlook.com"};
    static const std::vector<const char*> kEn = {"gmail.com",  "yahoo.com",   "outlook.com",
                                                 "icloud.com", "hotmail.com", "aol.com"};
    std::string domain = chinese ? rng_.pick(kCn) : rng_.pick(kEn);
    if (domain == "qq.com" && rng_.chance(0.5)) {
      local = std::to_string(rng_.between(100000, 999999999));  // a QQ number
    }
    for (int n = 0; n < 1000; ++n) {
      std::string e =
          local + (n == 0 ? "" : std::to_string(rng_.between(1, 99) + n)) + "@" + domain;
      std::string norm = normalize_email("email", e);
      if (emails_.insert(norm).second) return e;
    }
    return {};
  }

  void make_customers() {
    const auto& cs = cities();
    std::vector<double> cw;
    for (const auto& c : cs) cw.push_back(c.weight);
    Sampler city_sampler(cw);
    std::vector<double> fw;
    for (const auto& f : family_names()) fw.push_back(f.second);
    Sampler family_sampler(fw);

    const int n_orgs = o_.customers / 100;
    customers_.reserve(static_cast<std::size_t>(o_.customers));
    for (int i = 0; i < o_.customers; ++i) {
      Customer c;
      c.organisation = i < n_orgs;
      c.city_idx = city_sampler.draw(rng_);
      const City& city = cs[static_cast<std::size_t>(c.city_idx)];
      bool cn = std::string_view(city.country) == "CN";
      c.chinese = cn ? rng_.chance(0.97) : rng_.chance(0.18);
      bool female = rng_.chance(0.56);
      std::string local;
      if (c.organisation) {
        make_organisation(c, cn);
        local = rng_.chance(0.5) ? "info" : "sales";
      } else if (c.chinese) {
        const auto& fam = family_names()[static_cast<std::size_t>(family_sampler.draw(rng_))].first;
        const auto& pool = female ? given_female() : given_male();
        const Hanzi& g1 = rng_.pick(pool);
        bool two = rng_.chance(0.6);
        const Hanzi& g2 = rng_.pick(pool);
        std::string given_py = std::string(g1.pinyin) + (two ? lower(g2.pinyin) : "");
        if (cn || rng_.chance(0.4)) {
          c.name = std::string(fam.han) + g1.han + (two ? g2.han : "");
        } else {  // overseas Chinese customers often register with the Latin spelling
          c.name = given_py + " " + fam.pinyin;
        }
        local = rng_.chance(0.5) ? lower(std::string(fam.pinyin) + given_py)
                                 : lower(given_py + "." + fam.pinyin);
        if (rng_.chance(0.5)) local += std::to_string(rng_.between(1, 99));
      } else {
        std::string first = female ? rng_.pick(english_female()) : rng_.pick(english_male());
        std::string last = rng_.pick(english_last());
        c.name = first + " " + last;
        int style = rng_.below(4);
        std::string l = without(last, '\'');
        local = style == 0   ? first + "." + l
                : style == 1 ? first + l + std::to_string(rng_.between(1, 99))
                : style == 2 ? first.substr(0, 1) + l
                             : l + "." + first;
        if (!rng_.chance(0.1)) local = lower(local);  // a few keep their capitals
      }
      check_text("name", c.name, 200, true);
      if (!c.organisation) {
        c.gender = rng_.chance(0.9) ? (female ? "female" : "male") : "";
        if (rng_.chance(0.85)) {
          // Ages 18-75, most between 25 and 50.
          double u = (rng_.real() + rng_.real() + rng_.real()) / 3.0;
          int age = 18 + static_cast<int>(u * 57);
          Ymd t = civil(today_);
          Ymd b = civil(days_from_civil(t.y - age, 1, 1) + rng_.below(365));
          char buf[16];
          std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", b.y, b.m, b.d);
          c.birth_date = buf;
        }
      }
      if (c.organisation || rng_.chance(0.88)) c.email = unique_email(local, c.chinese && cn);
      if (!c.email.empty()) c.email_norm = normalize_email("email", c.email);
      if (rng_.chance(c.organisation ? 0.9 : 0.75)) c.phone = unique_phone(city);
      c.city = city.name;
      c.region = city.region;
      c.country = city.country;
      if (rng_.chance(0.7)) {
        static const std::vector<const char*> kCnStreets = {"人民路", "中山路", "解放路", "建设路",
                                                            "和平路", "长江路", "南京路", "新华路",
                                                            "文化路", "花园路"};
        static const std::vector<const char*> kEnStreets = {
            "Main St", "Oak Ave",         "Maple Dr", "Park Ave", "2nd St",
            "Elm St",  "Washington Blvd", "Lake St",  "Hill Rd",  "Cedar Ln"};
        if (cn) {
          c.street =
              std::string(rng_.pick(kCnStreets)) + std::to_string(rng_.between(1, 999)) + "号";
          c.postal = std::string(city.postal) + std::to_string(rng_.between(10, 99));
        } else {
          c.street = std::to_string(rng_.between(1, 9999)) + " " + rng_.pick(kEnStreets);
          c.postal = std::string_view(city.country) == "CA"
                         ? std::string(city.postal) + " " + std::to_string(rng_.between(1, 9)) +
                               static_cast<char>('A' + rng_.below(26)) +
                               std::to_string(rng_.between(1, 9))
                         : std::string(city.postal) + std::to_string(rng_.between(10, 99));
        }
      }
      // A quarter were customers before the two years shown; the rest join over them, more
      // in busy seasons.
      if (rng_.chance(0.25)) {
        c.created_day = first_day_ - 1 - rng_.below(700);
      } else {
        c.created_day = first_day_ + days_.draw(rng_);
      }
      c.store_signup = city.store != nullptr && rng_.chance(0.45);
      c.created = c.created_day * kDayMs + local_time_ms(c.city_idx, c.store_signup);
      if (c.organisation || rng_.chance(0.65)) c.owner = rng_.pick(sales_);
      if (!c.email.empty() && rng_.chance(0.55)) {
        c.email_consent = true;
        c.email_consent_source = c.store_signup ? "store_form" : "web_signup";
      }
      if (!c.phone.empty() && rng_.chance(0.35)) {
        c.sms_consent = true;
        c.sms_consent_source = c.store_signup ? "store_form" : "checkout";
      }
      nlohmann::json custom = nlohmann::json::object();
      custom["language"] = c.chinese ? "zh" : "en";
      if (cn && !c.organisation && rng_.chance(0.6)) {
        custom["wechat"] = "wxid_" + std::to_string(100000000 + rng_.below(899999999));
      }
      c.custom = custom.dump();
      c.pref_leaves = {rng_.below(static_cast<int>(leaves_.size())),
                       rng_.below(static_cast<int>(leaves_.size()))};
      if (!c.organisation && female && rng_.chance(0.5)) c.pref_leaves[0] = rng_.pick(kFemale);
      if (c.store_signup || rng_.chance(0.2)) {
        c.pos_id = "POS" + std::to_string(100000 + i);
      }
      customers_.push_back(std::move(c));
    }
    // Some people are contacts of an organisation (its buyers, its office manager).
    for (int i = n_orgs; i < o_.customers && n_orgs > 0; ++i) {
      if (rng_.chance(0.04)) {
        customers_[static_cast<std::size_t>(i)].organisation_id = rng_.below(n_orgs) + 1;
      }
    }
    sum_.customers = o_.customers;
    sum_.organisations = n_orgs;
  }

  void make_organisation(Customer& c, bool cn) {
    static const std::vector<const char*> kCnOrg = {"华盛", "东方", "金桥", "恒信", "新世纪",
                                                    "瑞丰", "天和", "宏达", "嘉禾", "远航"};
    static const std::vector<const char*> kCnKind = {"贸易有限公司", "科技有限公司",
                                                     "文化传媒有限公司", "餐饮管理有限公司"};
    static const std::vector<const char*> kEnOrg = {"Northwind",  "Bluewater",  "Granite",
                                                    "Evergreen",  "Silverline", "Redwood",
                                                    "Brightside", "Oakmont",    "Harborview"};
    static const std::vector<const char*> kEnKind = {"Trading Co.", "Design Studio", "Cafe",
                                                     "Consulting LLC", "Fitness Club"};
    if (cn) {
      c.name = std::string(rng_.pick(kCnOrg)) + rng_.pick(kCnKind);
    } else {
      c.name = std::string(rng_.pick(kEnOrg)) + " " + rng_.pick(kEnKind);
    }
  }

  // Milliseconds after UTC midnight of a local time of day typical for the channel: shops open
  // 10-21, the web shop busiest at lunch and in the evening.
  std::int64_t local_time_ms(int city_idx, bool store) {
    static const std::vector<double> kWeb = {1.0, 0.5, 0.3, 0.2, 0.2, 0.3, 0.6, 1.2,
                                             1.8, 2.0, 2.4, 2.8, 3.4, 3.0, 2.4, 2.2,
                                             2.2, 2.4, 2.8, 3.6, 4.0, 3.8, 3.0, 1.8};
    static const std::vector<double> kStore = {0,   0,   0,   0,   0,   0,   0,   0,
                                               0,   0,   1.5, 2.0, 2.5, 2.4, 2.2, 2.4,
                                               2.8, 3.2, 3.4, 3.0, 2.2, 1.2, 0,   0};
    static const Sampler web(kWeb);
    static const Sampler shop(kStore);
    int hour = (store ? shop : web).draw(rng_);
    std::int64_t local = hour * kHourMs + rng_.below(3600) * 1000LL;
    return local - cities()[static_cast<std::size_t>(city_idx)].utc_offset_h * kHourMs;
  }

  // --- orders --------------------------------------------------------------------------------
  int draw_product(const Customer* c) {
    if (c != nullptr && rng_.chance(0.5)) {
      int leaf = c->pref_leaves[static_cast<std::size_t>(rng_.below(2))];
      return popular_.draw_range(rng_, leaf_first_[static_cast<std::size_t>(leaf)],
                                 leaf_first_[static_cast<std::size_t>(leaf) + 1]);
    }
    return popular_.draw(rng_);
  }

  void make_basket(Order& o, const Customer* c, bool promo) {
    static const Sampler sizes(std::vector<double>{35, 25, 17, 11, 7, 5});
    int n = sizes.draw(rng_) + 1;
    std::vector<int> chosen;
    chosen.push_back(draw_product(c));
    for (int tries = 0; static_cast<int>(chosen.size()) < n && tries < 3 * n; ++tries) {
      int p;
      const Product& base = products_[static_cast<std::size_t>(rng_.pick(chosen))];
      if (!base.companions.empty() && rng_.chance(0.6)) {
        p = rng_.pick(base.companions);
      } else {
        p = draw_product(c);
      }
      if (std::find(chosen.begin(), chosen.end(), p) == chosen.end()) chosen.push_back(p);
    }
    int pct = promo ? (rng_.chance(0.7) ? rng_.pick(std::vector<int>{10, 15, 20}) : 0)
                    : (rng_.chance(0.05) ? 10 : 0);
    for (int p : chosen) {
      const Product& pr = products_[static_cast<std::size_t>(p)];
      int leaf = pr.leaf;
      bool consumable = leaf >= 15 && leaf <= 17;
      std::int64_t qty = rng_.chance(consumable ? 0.35 : 0.1) ? rng_.between(2, 4) : 1;
      std::int64_t disc = pr.price * qty * pct / 100;
      o.lines.push_back({p, qty, pr.price, disc});
    }
  }

  static bool promo_day(std::int64_t day) {
    Ymd c = civil(day);
    return (c.m == 11 && c.d >= 9 && c.d <= 12) || (c.m == 6 && c.d >= 16 && c.d <= 18) ||
           day_weight(day) > 3.0;
  }

  void place(int cust, std::int64_t day) {
    Order o;
    o.customer = cust;
    const Customer* c = cust >= 0 ? &customers_[static_cast<std::size_t>(cust)] : nullptr;
    int city = c != nullptr ? c->city_idx : 0;
    if (c == nullptr) {  // an anonymous till receipt in one of our shops
      static std::vector<int> shops;
      if (shops.empty()) {
        for (std::size_t i = 0; i < cities().size(); ++i) {
          if (cities()[i].store != nullptr) shops.push_back(static_cast<int>(i));
        }
      }
      city = rng_.pick(shops);
    }
    const City& ci = cities()[static_cast<std::size_t>(city)];
    double p_store = c == nullptr ? 1.0 : ci.store == nullptr ? 0.0 : c->store_signup ? 0.7 : 0.3;
    if (rng_.chance(p_store)) {
      o.channel = "store";
      o.location = ci.store;
      o.user = c != nullptr && c->owner != 0 && rng_.chance(0.5) ? c->owner : rng_.pick(sales_);
    } else if (c != nullptr && c->organisation_id == 0 && rng_.chance(0.04)) {
      o.channel = "phone";
      o.user = rng_.pick(sales_);
    } else {
      o.channel = c != nullptr && c->organisation ? (rng_.chance(0.5) ? "email" : "web") : "web";
    }
    o.at = day * kDayMs + local_time_ms(city, std::string_view(o.channel) == "store");
    if (c != nullptr && o.at < c->created) o.at = c->created + rng_.below(3600) * 1000LL;
    if (o.at >= now_) return;  // a late evening abroad that has not happened yet
    make_basket(o, c, promo_day(day));
    if (c != nullptr) {
      for (const Line& l : o.lines)
        customers_[static_cast<std::size_t>(cust)].spend += l.unit * l.qty - l.discount;
    }
    orders_.push_back(std::move(o));
  }

  void make_orders() {
    const std::int64_t last = today_ - 1;
    for (int i = 0; i < static_cast<int>(customers_.size()); ++i) {
      Customer& c = customers_[static_cast<std::size_t>(i)];
      if (!c.organisation && rng_.chance(0.12)) continue;  // signed up, never bought
      std::int64_t first = std::max(c.created_day, first_day_);
      if (c.created_day < first_day_) {  // an existing customer: first order in the window
        first = first_day_ + days_.draw_range(rng_, 0, std::min<int>(200, o_.days));
      }
      if (first > last) continue;
      place(i, first);
      bool repeat = c.organisation || rng_.chance(0.58);
      if (!repeat) continue;
      // Heavy-tailed purchase rate (a few buy every week, most a few times a year) and a
      // lifetime after which they stop (what churn and BG/NBD models pick up).
      double rate = std::min(40.0, 1.2 * std::pow(1.0 - rng_.real(), -1.0 / 1.6));
      if (c.organisation) rate *= 2;
      std::int64_t end = std::min<std::int64_t>(
          last, first + static_cast<std::int64_t>(rng_.exponential(520)) + 30);
      int extra = rng_.poisson(rate * static_cast<double>(end - first) / 365.0);
      extra = std::min(extra, 150);
      int lo = static_cast<int>(first - first_day_) + 1;
      int hi = static_cast<int>(end - first_day_) + 1;
      if (lo >= hi) continue;
      for (int k = 0; k < extra; ++k) place(i, first_day_ + days_.draw_range(rng_, lo, hi));
    }
    // Anonymous till receipts: about one in six orders.
    auto anonymous = static_cast<int>(orders_.size() / 5);
    for (int k = 0; k < anonymous; ++k) place(-1, first_day_ + days_.draw(rng_));
    std::sort(orders_.begin(), orders_.end(),
              [](const Order& a, const Order& b) { return a.at < b.at; });
    for (std::size_t k = 0; k < orders_.size(); ++k) {
      orders_[k].id = static_cast<std::int64_t>(k) + 1;
      if (orders_[k].customer >= 0) {
        customers_[static_cast<std::size_t>(orders_[k].customer)].orders.push_back(k);
      } else {
        ++sum_.anonymous_orders;
      }
    }
    sum_.orders = static_cast<std::int64_t>(orders_.size());
  }

  struct Return {
    std::size_t order;
    TimeMs at;
    const char* reason;
    std::vector<std::pair<std::size_t, std::int64_t>> lines;  // line index, quantity
  };

  void make_returns() {
    for (std::size_t k = 0; k < orders_.size(); ++k) {
      const Order& o = orders_[k];
      if (o.customer < 0) continue;
      Return r{k,
               o.at + rng_.between(1, 28) * kDayMs + rng_.below(36000) * 1000LL,
               rng_.pick(return_reasons()),
               {}};
      if (r.at >= now_) continue;
      for (std::size_t li = 0; li < o.lines.size(); ++li) {
        const Line& l = o.lines[li];
        double rate =
            leaves_[static_cast<std::size_t>(products_[static_cast<std::size_t>(l.product)].leaf)]
                .return_rate;
        if (rng_.chance(rate * 0.5))
          r.lines.emplace_back(li, l.qty > 1 ? rng_.between(1, static_cast<int>(l.qty)) : 1);
      }
      if (!r.lines.empty()) returns_.push_back(std::move(r));
    }
    sum_.returns = static_cast<std::int64_t>(returns_.size());
  }

  void assign_ids_and_tags() {
    // Ids follow sign-up time, as they would in a live system.
    std::vector<std::size_t> idx(customers_.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return customers_[a].created < customers_[b].created;
    });
    for (std::size_t r = 0; r < idx.size(); ++r) {
      customers_[idx[r]].id = static_cast<std::int64_t>(r) + 1;
    }
    std::vector<std::int64_t> spends;
    for (const auto& c : customers_) spends.push_back(c.spend);
    std::sort(spends.begin(), spends.end());
    std::int64_t vip = spends[spends.size() * 95 / 100];
    for (auto& c : customers_) {
      if (c.spend > 0 && c.spend >= vip) c.tags.emplace_back("vip");
      if (c.organisation) c.tags.emplace_back("b2b");
      if (c.organisation_id != 0) c.tags.emplace_back("wholesale");
      if (c.email_consent) c.tags.emplace_back("newsletter");
      if (!c.pos_id.empty() || rng_.chance(0.2)) c.tags.emplace_back("loyalty-member");
      const char* interest = leaves_[static_cast<std::size_t>(c.pref_leaves[0])].interest_tag;
      if (interest != nullptr && c.orders.size() >= 3 && rng_.chance(0.5)) {
        c.tags.emplace_back(interest);
      }
      if (!c.birth_date.empty() && std::stoi(c.birth_date.substr(0, 4)) > civil(today_).y - 24 &&
          rng_.chance(0.3)) {
        c.tags.emplace_back("student");
      }
    }
  }

  // --- writing -------------------------------------------------------------------------------
  static std::optional<std::string> opt(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return s;
  }
  static std::optional<std::int64_t> opt_id(std::int64_t id) {
    if (id == 0) return std::nullopt;
    return id;
  }

  void timeline(std::int64_t customer, TimeMs at, const char* kind, const char* channel,
                const char* direction, const std::string& subject, const std::string& body,
                std::int64_t user, const char* ref_type, std::int64_t ref_id) {
    store::execute(conn_,
                   "INSERT INTO interactions (customer_id, at, kind, channel, direction, "
                   "subject, body, user_id, ref_type, ref_id, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   customer, at, kind, channel,
                   direction == nullptr ? std::optional<std::string>() : std::string(direction),
                   subject, opt(body), opt_id(user),
                   ref_type == nullptr ? std::optional<std::string>() : std::string(ref_type),
                   opt_id(ref_id), at);
    ++sum_.timeline_entries;
  }

  void write() {
    // Categories: the tops, then their leaves.
    std::vector<std::string> tops;
    std::vector<std::int64_t> leaf_ids;
    for (const auto& l : leaves_) {
      if (std::find(tops.begin(), tops.end(), l.top) == tops.end()) tops.emplace_back(l.top);
    }
    for (const auto& t : tops) {
      store::execute(conn_, "INSERT INTO categories (name, parent_id) VALUES (?, NULL)", t);
      ++sum_.categories;
    }
    for (const auto& l : leaves_) {
      auto parent =
          static_cast<std::int64_t>(std::find(tops.begin(), tops.end(), l.top) - tops.begin() + 1);
      store::execute(conn_, "INSERT INTO categories (name, parent_id) VALUES (?, ?)",
                     std::string(l.name), parent);
      leaf_ids.push_back(conn_.last_insert_id());
      ++sum_.categories;
    }
    const TimeMs catalog_at = (first_day_ - 60) * kDayMs;
    for (std::size_t i = 0; i < products_.size(); ++i) {
      const Product& p = products_[i];
      store::execute(conn_,
                     "INSERT INTO products (id, sku, name, category_id, price_minor, currency, "
                     "active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     p.id, skus_[i], product_names_[i], leaf_ids[static_cast<std::size_t>(p.leaf)],
                     p.price, currency_, i % 37 == 36 ? 0 : 1, catalog_at, catalog_at);
    }

    // Organisations first: their contacts refer to them.
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& c : customers_) {
        if (c.organisation != (pass == 0)) continue;
        std::optional<std::int64_t> org;
        if (c.organisation_id != 0) {
          org = customers_[static_cast<std::size_t>(c.organisation_id - 1)].id;
        }
        std::optional<std::int64_t> email_at, sms_at;
        if (c.email_consent) email_at = c.created;
        if (c.sms_consent) sms_at = c.created + rng_.below(86400) * 1000LL;
        TimeMs updated =
            c.orders.empty() ? c.created : std::max(c.created, orders_[c.orders.back()].at);
        store::execute(
            conn_,
            "INSERT INTO customers (id, kind, name, email, email_norm, phone, birth_date, gender, "
            "street, city, region, postal_code, country, organisation_id, owner_id, "
            "email_consent, email_consent_at, email_consent_source, sms_consent, sms_consent_at, "
            "sms_consent_source, custom, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            c.id, c.organisation ? "organisation" : "person", c.name, opt(c.email),
            opt(c.email_norm), opt(c.phone), opt(c.birth_date), opt(c.gender), opt(c.street),
            opt(c.city), opt(c.region), opt(c.postal), opt(c.country), org, opt_id(c.owner),
            c.email_consent, email_at, opt(c.email_consent_source), c.sms_consent, sms_at,
            opt(c.sms_consent_source), c.custom, c.created, updated);
        for (const auto& t : c.tags) {
          store::execute(conn_, "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)", c.id,
                         t);
        }
        if (!c.pos_id.empty()) {
          store::execute(conn_,
                         "INSERT INTO customer_external_ids (source, external_id, customer_id) "
                         "VALUES ('pos', ?, ?)",
                         c.pos_id, c.id);
        }
        const City& city = cities()[static_cast<std::size_t>(c.city_idx)];
        timeline(c.id, c.created, "customer_created", "system", nullptr,
                 c.chinese ? "新客户" : "Customer created",
                 c.store_signup ? std::string("Registered in store: ") + city.store
                                : std::string("Signed up on the web shop"),
                 c.store_signup ? c.owner : 0, "customer", c.id);
      }
    }

    for (const auto& o : orders_) {
      std::int64_t subtotal = 0, discount = 0;
      for (const Line& l : o.lines) {
        subtotal += l.unit * l.qty;
        discount += l.discount;
      }
      std::optional<std::int64_t> cust;
      if (o.customer >= 0) cust = customers_[static_cast<std::size_t>(o.customer)].id;
      store::execute(conn_,
                     "INSERT INTO orders (id, customer_id, kind, channel, location, placed_at, "
                     "currency, subtotal_minor, discount_minor, total_minor, user_id, created_at) "
                     "VALUES (?, ?, 'sale', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     o.id, cust, o.channel,
                     o.location == nullptr ? std::optional<std::string>() : std::string(o.location),
                     o.at, currency_, subtotal, discount, subtotal - discount, opt_id(o.user),
                     o.at);
      int line_no = 0;
      for (const Line& l : o.lines) {
        store::execute(conn_,
                       "INSERT INTO order_lines (id, order_id, line_no, product_id, quantity, "
                       "unit_price_minor, discount_minor, total_minor) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       ++line_id_, o.id, ++line_no,
                       products_[static_cast<std::size_t>(l.product)].id, l.qty, l.unit, l.discount,
                       l.unit * l.qty - l.discount);
        ++sum_.order_lines;
      }
      if (cust) {
        std::int64_t items = 0;
        for (const Line& l : o.lines) items += l.qty;
        timeline(*cust, o.at, "order_placed", o.channel, nullptr, "Order #" + std::to_string(o.id),
                 std::to_string(items) + (items == 1 ? " item, " : " items, ") +
                     money(subtotal - discount) +
                     (o.location != nullptr ? std::string(" at ") + o.location : ""),
                 o.user, "order", o.id);
      }
    }

    // Order line ids are dense and in order: the first line of order k is known.
    std::vector<std::int64_t> first_line(orders_.size());
    std::int64_t next_line = 1;
    for (std::size_t k = 0; k < orders_.size(); ++k) {
      first_line[k] = next_line;
      next_line += static_cast<std::int64_t>(orders_[k].lines.size());
    }
    std::int64_t return_id = 0;
    for (const auto& r : returns_) {
      const Order& o = orders_[r.order];
      std::int64_t cust = customers_[static_cast<std::size_t>(o.customer)].id;
      std::int64_t refund = 0;
      for (const auto& [li, q] : r.lines) {
        const Line& l = o.lines[li];
        refund += (l.unit * l.qty - l.discount) * q / l.qty;
      }
      std::int64_t user = std::string_view(o.channel) == "store" ? o.user : rng_.pick(service_);
      store::execute(conn_,
                     "INSERT INTO returns (id, order_id, customer_id, at, reason, currency, "
                     "refund_minor, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     ++return_id, o.id, cust, r.at, std::string(r.reason), currency_, refund,
                     opt_id(user), r.at);
      for (const auto& [li, q] : r.lines) {
        const Line& l = o.lines[li];
        store::execute(conn_,
                       "INSERT INTO return_lines (return_id, order_line_id, quantity, "
                       "refund_minor) VALUES (?, ?, ?, ?)",
                       return_id, first_line[r.order] + static_cast<std::int64_t>(li), q,
                       (l.unit * l.qty - l.discount) * q / l.qty);
      }
      timeline(cust, r.at, "return_made", o.channel, nullptr,
               "Return for order #" + std::to_string(o.id),
               std::string(r.reason) + ", refund " + money(refund), user, "return", return_id);
    }

    write_interactions();
    write_tickets();
    write_loyalty();
    write_promotions();

    record_audit(conn_, caller_, "generate", "demo_store", std::to_string(o_.seed), nullptr,
                 {{"seed", o_.seed},
                  {"customers", sum_.customers},
                  {"products", sum_.products},
                  {"orders", sum_.orders},
                  {"order_lines", sum_.order_lines},
                  {"returns", sum_.returns},
                  {"tickets", sum_.tickets},
                  {"loyalty_members", sum_.loyalty_members},
                  {"timeline_entries", sum_.timeline_entries}});
  }

  // The loyalty programme: half the people who bought twice or more are members (enrolled at
  // their first purchase, a card each), with a welcome bonus and the points of every order
  // since (the programme's settings), and the tier their last year of spend reaches (its
  // 'tier_changed' timeline entry as the use case writes it).
  void write_loyalty() {
    const LoyaltyConfig cfg = load_loyalty_config(conn_);
    std::unordered_set<std::string> cards;
    for (const auto& c : customers_) {
      if (c.organisation || c.orders.size() < 2 || c.id % 2 != 0) continue;
      std::vector<std::size_t> mine = c.orders;
      std::sort(mine.begin(), mine.end(),
                [&](std::size_t a, std::size_t b) { return orders_[a].at < orders_[b].at; });
      const TimeMs joined = orders_[mine.front()].at;
      std::string card;
      do {
        std::string payload = "8";
        while (payload.size() < kCardDigits - 1) {
          payload.push_back(static_cast<char>('0' + rng_.below(10)));
        }
        card = card_number_from_payload(payload);
      } while (!cards.insert(card).second);
      store::execute(conn_,
                     "INSERT INTO loyalty_members (customer_id, joined_at, tier, tier_since, "
                     "tier_review_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     c.id, joined, cfg.tiers.front().name, joined,
                     add_months_utc(joined, cfg.tier_months), joined, joined);
      store::execute(conn_,
                     "INSERT INTO loyalty_cards (customer_id, number, status, issued_at) VALUES "
                     "(?, ?, 'active', ?)",
                     c.id, card, joined);
      timeline(c.id, joined, "loyalty_enrolled", "system", nullptr,
               "Joined the loyalty programme, card " + card, "", 0, "customer", c.id);
      std::int64_t credits = 0;
      TimeMs last_expiry = 0;
      auto credit = [&](TimeMs at, const char* kind, std::int64_t points, const std::string& why,
                        const char* ref_type, std::int64_t ref_id) {
        credits += points;
        last_expiry = std::max(last_expiry, add_months_utc(at, cfg.expiry_months));
        store::execute(conn_,
                       "INSERT INTO loyalty_ledger (customer_id, at, kind, points, balance, "
                       "credits_total, debits_total, expires_at, reason, ref_type, ref_id, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
                       c.id, at, std::string(kind), points, credits, credits, last_expiry, why,
                       std::string(ref_type), opt_id(ref_id), at);
      };
      credit(joined, "adjust", 100, "Welcome bonus", "job", 0);
      for (std::size_t k : mine) {
        const Order& o = orders_[k];
        std::vector<EarnLine> lines;
        for (const Line& l : o.lines) {
          lines.push_back({products_[static_cast<std::size_t>(l.product)].id, std::nullopt,
                           l.unit * l.qty - l.discount});
        }
        const EarnResult e = compute_earned_points(lines, cfg.earn);
        if (e.points > 0) {
          credit(o.at, "earn", e.points, "Order #" + std::to_string(o.id), "order", o.id);
        }
      }
      reevaluate_tier(conn_, caller_, cfg, c.id, now_);
      ++sum_.loyalty_members;
    }
  }

  // Promotions (a 6.18 sale in the past, this month's tea week and a double points weekend ahead)
  // and coupons (a public welcome code, one personal code for each of the first members).
  void write_promotions() {
    const TimeMs day = kDayMs;
    auto promo = [&](const char* name, const char* scope, std::optional<std::int64_t> category,
                     std::int64_t min_basket, std::int64_t pct, std::int64_t points_pct,
                     bool stackable, TimeMs from, TimeMs to) {
      store::execute(conn_,
                     "INSERT INTO promotions (name, scope, category_id, min_basket_minor, "
                     "percent_off, points_multiplier_pct, stackable, starts_at, ends_at, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     std::string(name), std::string(scope), category, min_basket, pct, points_pct,
                     stackable, from, to, from - day, from - day);
    };
    promo("6.18 sale: 10% off baskets over 200", "basket", std::nullopt, 20000, 10, 100, false,
          now_ - 160 * day, now_ - 150 * day);
    std::optional<std::int64_t> category;
    {
      store::Query c(conn_, "SELECT min(id) FROM categories WHERE parent_id IS NULL");
      if (c.step()) category = c->get_optional_int(0);
    }
    if (category) {
      promo("Category week: 15% off", "category", category, 0, 15, 100, true, now_ - 3 * day,
            now_ + 4 * day);
    }
    promo("Double points weekend", "basket", std::nullopt, 0, 0, 200, true, now_ + 5 * day,
          now_ + 7 * day);
    store::execute(conn_,
                   "INSERT INTO coupons (code, percent_off, min_spend_minor, max_uses, "
                   "max_uses_per_customer, starts_at, ends_at, created_at) VALUES ('WELCOME10', "
                   "10, 5000, 100000, 1, ?, ?, ?)",
                   now_ - 30 * day, now_ + 335 * day, now_ - 30 * day);
    int personal = 0;
    store::Query q(conn_, "SELECT customer_id FROM loyalty_members ORDER BY customer_id LIMIT 50");
    std::vector<std::int64_t> members;
    while (q.step()) members.push_back(q->get_int(0));
    for (std::int64_t id : members) {
      store::execute(conn_,
                     "INSERT INTO coupons (code, customer_id, amount_off_minor, max_uses, "
                     "max_uses_per_customer, starts_at, ends_at, created_at) VALUES (?, ?, 1000, "
                     "1, 1, ?, ?, ?)",
                     "BDAY-" + std::to_string(1000 + ++personal), id, now_ - 10 * day,
                     now_ + 50 * day, now_ - 10 * day);
    }
  }

  // Service tickets of the last 120 days in three queues: most answered and resolved within
  // their SLA, some late (breached, escalated to the queue's manager), the recent ones still
  // new, open or waiting. Due times come from the seeded SLA policies and the business
  // calendar of the settings, exactly as the use case computes them.
  void write_tickets() {
    const BusinessCalendar cal = business_calendar(conn_);
    const std::int64_t manager = managers_.empty() ? sales_.front() : managers_.front();
    const std::int64_t manager2 = managers_.size() > 1 ? managers_[1] : manager;
    struct QueueDef {
      const char* name;
      const char* description;
      std::int64_t manager;
    };
    const QueueDef queues[] = {
        {"Complaints", "Complaints about products, deliveries and service", manager},
        {"Repairs and returns", "Repairs under warranty and returns", manager2},
        {"Customer care", "Questions about products, orders and membership", manager},
    };
    std::int64_t queue_ids[3] = {0, 0, 0};
    for (int i = 0; i < 3; ++i) {
      store::execute(conn_,
                     "INSERT INTO ticket_queues (name, description, manager_id, created_at, "
                     "updated_at) VALUES (?, ?, ?, ?, ?)",
                     std::string(queues[i].name), std::string(queues[i].description),
                     queues[i].manager, (first_day_ - 30) * kDayMs, (first_day_ - 30) * kDayMs);
      queue_ids[i] = conn_.last_insert_id();
    }
    struct Kind {
      const char* type;
      double weight;
      int queue;
      const char* en[3];
      const char* zh[3];
    };
    static const Kind kinds[] = {
        {"inquiry",
         0.40,
         2,
         {"Question about my order", "Is this product in stock?", "Membership points"},
         {"订单咨询", "请问这个商品有货吗？", "会员积分问题"}},
        {"complaint",
         0.25,
         0,
         {"Late delivery", "Damaged on arrival", "Rude service in store"},
         {"快递太慢", "收到的商品有破损", "门店服务态度差"}},
        {"return",
         0.20,
         1,
         {"Wrong size, want to return", "Return request", "Not as described"},
         {"尺码不对，想退货", "申请退货", "与描述不符"}},
        {"repair",
         0.15,
         1,
         {"Stopped working after a week", "Warranty repair", "Broken part"},
         {"用了一周就坏了", "保修维修", "零件损坏"}},
    };
    const char* channels[] = {"phone", "email", "web", "chat", "store", "social"};
    const double channel_w[] = {0.25, 0.25, 0.2, 0.2, 0.07, 0.03};
    const char* priorities[] = {"low", "normal", "high", "urgent"};
    const double priority_w[] = {0.2, 0.55, 0.2, 0.05};
    auto pick_weighted = [this](const double* w, int n) {
      double r = rng_.real();
      for (int i = 0; i < n; ++i) {
        if (r < w[i]) return i;
        r -= w[i];
      }
      return n - 1;
    };
    std::vector<int> buyers;
    for (std::size_t i = 0; i < customers_.size(); ++i) {
      if (!customers_[i].orders.empty() && !customers_[i].organisation) {
        buyers.push_back(static_cast<int>(i));
      }
    }
    if (buyers.empty()) return;
    const int n = std::min<int>(5000, std::max<int>(50, static_cast<int>(customers_.size() / 6)));
    const TimeMs span = 120 * kDayMs;
    for (int k = 0; k < n; ++k) {
      const Customer& c = customers_[static_cast<std::size_t>(rng_.pick(buyers))];
      double r = rng_.real();
      std::size_t ki = 0;
      while (ki + 1 < std::size(kinds) && r >= kinds[ki].weight) r -= kinds[ki++].weight;
      const Kind& kind = kinds[ki];
      Ticket t;
      t.type = kind.type;
      t.channel = channels[pick_weighted(channel_w, 6)];
      t.customer_id = c.id;
      t.priority = priorities[pick_weighted(priority_w, 4)];
      const int si = rng_.below(3);
      t.subject = c.chinese ? kind.zh[si] : kind.en[si];
      t.queue_id = queue_ids[kind.queue];
      t.assignee_id = rng_.pick(service_);
      // Recent days hold more tickets (the business grows), none in the last minutes.
      t.created_at = now_ - 60000 -
                     static_cast<TimeMs>(std::pow(rng_.real(), 1.3) * static_cast<double>(span));
      if (t.type != std::string("inquiry")) {
        const Order& o = orders_[c.orders[static_cast<std::size_t>(
            rng_.below(static_cast<int>(c.orders.size())))]];
        t.order_id = o.id;
        t.product_id =
            products_[static_cast<std::size_t>(o.lines[static_cast<std::size_t>(rng_.below(
                                                           static_cast<int>(o.lines.size())))]
                                                   .product)]
                .id;
      }
      t.sunset_due = sunset_due(cal, t.created_at);
      if (auto policy = find_sla_policy(conn_, t.type, t.priority)) {
        t.first_response_rule = std::string(sla_rule_name(policy->first_response.rule));
        if (policy->first_response.rule == SlaTarget::Rule::kMinutes) {
          t.first_response_minutes = policy->first_response.minutes;
        }
        t.resolution_rule = std::string(sla_rule_name(policy->resolution.rule));
        if (policy->resolution.rule == SlaTarget::Rule::kMinutes) {
          t.resolution_minutes = policy->resolution.minutes;
        }
        t.pause_while_waiting = policy->pause_while_waiting;
        t.first_response_due = sla_due(cal, policy->first_response, t.created_at);
        t.resolution_due = sla_due(cal, policy->resolution, t.created_at);
      }
      // Most first replies come within the target; about one in twelve is late.
      const TimeMs target = t.first_response_due
                                ? std::max<TimeMs>(*t.first_response_due - t.created_at, 600000)
                                : 4 * kHourMs;
      const TimeMs first =
          t.created_at + static_cast<TimeMs>(rng_.chance(0.92)
                                                 ? rng_.real() * 0.9 * target
                                                 : target * (1.05 + rng_.exponential(0.8)));
      if (first < now_) t.first_response_at = first;
      if (t.first_response_at) {
        const TimeMs res_target =
            t.resolution_due ? std::max<TimeMs>(*t.resolution_due - *t.first_response_at, kHourMs)
                             : kDayMs;
        const TimeMs resolved =
            *t.first_response_at +
            static_cast<TimeMs>(rng_.chance(0.9) ? rng_.real() * res_target
                                                 : res_target * (1.1 + rng_.exponential(1.0)));
        if (resolved < now_) t.resolved_at = resolved;
      }
      if (t.first_response_due && *t.first_response_due < t.first_response_at.value_or(now_)) {
        t.first_response_breached_at = *t.first_response_due;
      }
      if (t.resolution_due && *t.resolution_due < t.resolved_at.value_or(now_)) {
        t.resolution_breached_at = *t.resolution_due;
      }
      t.breached = t.first_response_breached_at || t.resolution_breached_at;
      if (!t.first_response_at) {
        t.status = "new";
      } else if (!t.resolved_at) {
        t.status = rng_.chance(0.3) ? "waiting" : "open";
        if (t.status == "waiting" && t.pause_while_waiting) t.paused_at = *t.first_response_at;
      } else {
        t.status = *t.resolved_at < now_ - 7 * kDayMs && rng_.chance(0.8) ? "closed" : "resolved";
        if (t.status == "closed") t.closed_at = *t.resolved_at + 7 * kDayMs;
        if (rng_.chance(0.06)) t.reopen_count = 1;
      }
      refresh_sla_next_check(t);
      t.updated_at =
          t.closed_at.value_or(t.resolved_at.value_or(t.first_response_at.value_or(t.created_at)));
      store::execute(conn_,
                     "INSERT INTO tickets (type, channel, customer_id, priority, subject, status, "
                     "sunset_due, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                     "?, ?, ?, ?)",
                     t.type, t.channel, t.customer_id, t.priority, t.subject, t.status,
                     t.sunset_due, t.assignee_id, t.created_at, t.updated_at);
      t.id = conn_.last_insert_id();
      store_ticket(conn_, t);
      ++sum_.tickets;
      const std::string label =
          "Ticket #" + std::to_string(t.id) + " (" + t.type + "): " + t.subject;
      timeline(c.id, t.created_at, "ticket_created", t.channel.c_str(), "inbound", label, "", 0,
               "ticket", t.id);
      if (t.first_response_at) {
        const std::string body = c.chinese ? "您好，我们已收到您的问题，正在处理。"
                                           : "Thank you, we are looking into it.";
        store::execute(conn_,
                       "INSERT INTO ticket_messages (ticket_id, kind, body, user_id, created_at) "
                       "VALUES (?, 'reply', ?, ?, ?)",
                       t.id, body, t.assignee_id, *t.first_response_at);
        timeline(c.id, *t.first_response_at, "ticket_replied", t.channel.c_str(), "outbound",
                 "Reply on " + label, body, *t.assignee_id, "ticket", t.id);
      }
      if (t.resolved_at) {
        timeline(c.id, *t.resolved_at, "ticket_resolved", "system", nullptr, label + " resolved",
                 "", *t.assignee_id, "ticket", t.id);
      }
      const QueueDef& q = queues[kind.queue];
      for (auto [due, what] : {std::pair{t.first_response_breached_at, "first-response"},
                               std::pair{t.resolution_breached_at, "resolution"}}) {
        if (!due) continue;
        const std::string subject = "Ticket #" + std::to_string(t.id) + " breached its " + what +
                                    " target (due " + format_time(*due) + ")";
        timeline(c.id, *due, "ticket_escalated", "system", nullptr, subject, "", 0, "ticket", t.id);
        store::execute(conn_,
                       "INSERT INTO notifications (user_id, kind, subject, ref_type, ref_id, "
                       "created_at, read_at) VALUES (?, 'sla_breach', ?, 'ticket', ?, ?, ?)",
                       q.manager, subject, t.id, *due,
                       *due < now_ - 3 * kDayMs ? std::optional<TimeMs>(*due + kHourMs)
                                                : std::optional<TimeMs>());
      }
    }
  }

  void write_interactions() {
    const auto& ts = templates();
    for (const auto& c : customers_) {
      int n = rng_.poisson(0.4 + 0.3 * static_cast<double>(c.orders.size()));
      n = std::min(n, 15);
      if (c.email_consent && rng_.chance(0.8)) {
        emit(c, ts[4], c.created + rng_.between(60, 3600) * 1000LL);  // the welcome email
      }
      for (int k = 0; k < n; ++k) {
        const Template& t = ts[static_cast<std::size_t>(rng_.below(static_cast<int>(ts.size())))];
        if (t.when == 2) continue;
        TimeMs at;
        if (t.when == 1) {
          if (c.orders.empty()) continue;
          const Order& o = orders_[c.orders[static_cast<std::size_t>(
              rng_.below(static_cast<int>(c.orders.size())))]];
          at = o.at + rng_.between(1, 5 * 24) * kHourMs + rng_.below(3600) * 1000LL;
        } else {
          std::int64_t from = std::max(c.created, first_day_ * kDayMs);
          at = from + static_cast<std::int64_t>(rng_.real() * static_cast<double>(now_ - from));
        }
        if (at >= now_) continue;
        if (std::string_view(t.channel) == "visit" &&
            cities()[static_cast<std::size_t>(c.city_idx)].store == nullptr) {
          continue;
        }
        emit(c, t, at);
      }
    }
  }

  void emit(const Customer& c, const Template& t, TimeMs at) {
    std::int64_t user = 0;
    if (t.staff) {
      user = std::string_view(t.direction) == "outbound" && c.owner != 0 ? c.owner
                                                                         : rng_.pick(service_);
    }
    timeline(c.id, at, "interaction", t.channel, t.direction,
             c.chinese ? t.subject_zh : t.subject_en, c.chinese ? t.body_zh : t.body_en, user,
             nullptr, 0);
  }

  static inline const std::vector<int> kFemale = {8, 9, 10, 11};

  store::Connection& conn_;
  const Caller& caller_;
  DemoStoreOptions o_;
  Rng rng_;
  TimeMs now_ = 0;
  std::int64_t today_ = 0, first_day_ = 0;
  std::vector<std::int64_t> sales_, service_, managers_;
  Sampler days_, popular_;
  std::string region_, currency_;
  std::vector<Leaf> leaves_;
  std::vector<int> leaf_first_;
  std::vector<Product> products_;
  std::vector<std::string> product_names_, skus_;
  std::vector<Customer> customers_;
  std::vector<Order> orders_;
  std::vector<Return> returns_;
  std::unordered_set<std::string> phones_, emails_;
  std::int64_t line_id_ = 0;
  DemoStoreSummary sum_;
};

}  // namespace

DemoStoreSummary generate_demo_store(store::Connection& conn, const Caller& caller,
                                     const DemoStoreOptions& options) {
  Generator g(conn, caller, options);
  return g.run();
}

}  // namespace rapport::app
