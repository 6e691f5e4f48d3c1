#pragma once
// Rules of customer feedback: review stars, survey scores and what they mean (NPS promoters and
// detractors, CSAT satisfied), and the report figures computed from score counts. Pure functions,
// std only, safe from any thread.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rapport {

inline constexpr int kMinStars = 1;
inline constexpr int kMaxStars = 5;

// Survey kinds: 'csat' (how satisfied, 1-5) and 'nps' (how likely to recommend us, 0-10).
inline constexpr const char* kSurveyKinds = "csat, nps";
bool is_survey_kind(std::string_view kind) noexcept;
// The score range of a kind; REQUIRES is_survey_kind(kind).
int survey_min_score(std::string_view kind) noexcept;
int survey_max_score(std::string_view kind) noexcept;
// Throws invalid_argument naming `field` when `score` is outside the kind's range.
void check_survey_score(std::string_view field, std::string_view kind, std::int64_t score);
// Throws invalid_argument naming `field` when `stars` is outside 1-5.
void check_stars(std::string_view field, std::int64_t stars);

// NPS: 9-10 promoters, 7-8 passives, 0-6 detractors.
enum class NpsCategory { kDetractor, kPassive, kPromoter };
NpsCategory nps_category(int score) noexcept;
// CSAT: 4 and 5 count as satisfied.
bool csat_satisfied(int score) noexcept;

// Counts of each score 0-10 of one group of responses of one kind.
struct ScoreCounts {
  std::array<std::int64_t, 11> by_score{};
  std::int64_t total() const noexcept;
};

struct NpsFigures {
  std::int64_t responses = 0;
  std::int64_t promoters = 0;
  std::int64_t passives = 0;
  std::int64_t detractors = 0;
  std::optional<double> nps;  // % promoters - % detractors, -100..100; nullopt without responses
};
NpsFigures nps_figures(const ScoreCounts& counts) noexcept;

struct CsatFigures {
  std::int64_t responses = 0;
  std::int64_t satisfied = 0;  // scores 4-5
  std::optional<double> csat;  // satisfied / responses * 100; nullopt without responses
  std::optional<double> mean;  // mean score
};
CsatFigures csat_figures(const ScoreCounts& counts) noexcept;

// A product's rating summary from its count of reviews per star.
struct RatingSummary {
  std::array<std::int64_t, 5> distribution{};  // [0] = 1 star ... [4] = 5 stars
  std::int64_t count = 0;
  std::int64_t sum = 0;
  std::optional<double> mean;  // nullopt without reviews
};
RatingSummary rating_summary(const std::array<std::int64_t, 5>& distribution) noexcept;

}  // namespace rapport
