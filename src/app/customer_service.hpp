#pragma once
// Customers (people and organisations) and their timeline: create, read, search, update, soft
// delete and restore, merge duplicates, the 360 view, logging interactions, bulk create/upsert.
//
// Reads run on the calling thread's reader connection; writes are WriteOps for the one writer
// (see write_op.hpp): validation and permission checks happen when the op is built, checks that
// need the data (duplicates, references, versions) inside the op, in its transaction. Every
// write appends to the audit log and the timeline in that transaction.
//
// Errors (rapport::Error, field named as a JSON path): invalid_argument for bad input;
// not_found for an unknown customer or referenced user/organisation/order; conflict for a stale
// version, a change to a deleted or merged record, or a duplicate email/phone/external id (the
// error then carries existing_id); forbidden when the caller's role lacks the permission.
// Thread-safety: a CustomerService may be shared by all threads (it holds only the Database).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/caller.hpp"
#include "app/loyalty_service.hpp"
#include "app/page.hpp"
#include "app/timeline.hpp"
#include "app/write_op.hpp"
#include "core/customer.hpp"
#include "core/time.hpp"
#include "store/database.hpp"

namespace rapport::app {

// A field of an update: absent (unchanged), null (cleared) or a value.
template <typename T>
using Nullable = std::optional<std::optional<T>>;

struct Consent {
  bool granted = false;
  std::optional<TimeMs> at;  // when it was given or withdrawn
  std::optional<std::string> source;
};

// A customer's latest analytics scores as lists show them (see AnalyticsService for the rest).
struct CustomerScoreBrief {
  std::string value_tier;     // platinum | gold | silver | bronze
  std::string rfm_segment;    // "Champions", ...
  std::string customer_type;  // "one-time", "T-type", "R-type", "key account"
  std::string abc_class;      // A | B | C
  std::optional<double> p_alive;
  std::optional<std::int64_t> clv_minor;
  std::int64_t revenue_minor = 0;
  std::string currency;
};

struct Customer {
  std::int64_t id = 0;
  std::string kind = "person";
  std::string name;
  std::optional<std::string> email;       // as given (trimmed)
  std::string email_norm;                 // normalised form (duplicate detection), "" when no email
  std::optional<std::string> phone;       // E.164
  std::optional<std::string> birth_date;  // YYYY-MM-DD
  std::optional<std::string> gender;
  std::optional<std::string> street;
  std::optional<std::string> city;
  std::optional<std::string> region;
  std::optional<std::string> postal_code;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2
  std::optional<std::int64_t> organisation_id;
  std::optional<std::int64_t> owner_id;
  Consent email_consent;
  Consent sms_consent;
  std::map<std::string, std::string> custom;
  std::vector<std::string> tags;  // sorted
  std::vector<customer::ExternalId> external_ids;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  std::optional<TimeMs> deleted_at;
  std::optional<std::int64_t> merged_into;
  std::int64_t version = 1;
  // Filled by CustomerService::list only; absent when no analytics refresh scored the customer.
  std::optional<CustomerScoreBrief> scores;

  bool live() const { return !deleted_at && !merged_into; }
};

struct ConsentInput {
  bool granted = false;
  std::optional<TimeMs> at;  // default: now
  std::optional<std::string> source;
};

// What a client sends to create (absent = not set) or update (absent = unchanged, null =
// cleared) a customer. Lists and maps given replace the stored ones.
struct CustomerInput {
  std::optional<std::string> kind;
  std::optional<std::string> name;
  Nullable<std::string> email;
  Nullable<std::string> phone;  // any format; normalised with the default_region setting
  Nullable<std::string> birth_date;
  Nullable<std::string> gender;
  Nullable<std::string> street;
  Nullable<std::string> city;
  Nullable<std::string> region;
  Nullable<std::string> postal_code;
  Nullable<std::string> country;
  Nullable<std::int64_t> organisation_id;
  Nullable<std::int64_t> owner_id;
  std::optional<ConsentInput> email_consent;
  std::optional<ConsentInput> sms_consent;
  std::optional<std::map<std::string, std::string>> custom;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<customer::ExternalId>> external_ids;
};

// Sort keys of the list (allow-list); `descending` flips the order.
// The score sorts (clv, p_alive, revenue) list only the customers that have that score.
enum class CustomerSort { kId, kName, kCreatedAt, kUpdatedAt, kClv, kPAlive, kRevenue };
enum class DeletedFilter { kLiveOnly, kDeletedOnly, kAny };

struct CustomerListParams {
  // Name, email or phone. 3+ characters: substring (prefix included) in any script through the
  // trigram index; 1-2 characters: the start of the name (case-insensitive for ASCII).
  std::optional<std::string> q;
  std::optional<std::string> tag;
  std::optional<std::string> city;
  std::optional<std::string> country;
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> age_group;  // one of customer::age_groups()
  std::optional<TimeMs> created_from;    // inclusive
  std::optional<TimeMs> created_to;      // exclusive
  std::optional<bool> has_email_consent;
  std::optional<bool> has_sms_consent;
  std::optional<std::string> kind;
  // Filters on the latest analytics scores (customers never scored match none of them).
  std::optional<std::string> value_tier;     // platinum | gold | silver | bronze
  std::optional<std::string> rfm_segment;    // a segment name, e.g. "Champions"
  std::optional<std::string> customer_type;  // one-time | T-type | R-type | key account
  std::optional<std::string> abc_class;      // A | B | C
  DeletedFilter deleted = DeletedFilter::kLiveOnly;
  // Default: id, or name for a 1-2 character q (the order its index gives for free).
  std::optional<CustomerSort> sort;
  bool descending = false;
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// Checks that customer `id` exists (deleted or merged too; 404 naming `field`): for reads of a
// customer's records (orders, returns, reviews).
void require_customer_exists(store::Connection& conn, std::int64_t id,
                             const std::string& field = "id");

// Checks that customer `id` exists, is not deleted and was not merged (404 / 409 naming `field`):
// for anything that refers to a customer (orders, tickets, loyalty members).
void check_live_customer(store::Connection& conn, std::int64_t id, const std::string& field);

// Parses "name", "-name", "created_at", ... (a leading '-' for descending); throws
// invalid_argument on field "sort".
std::pair<CustomerSort, bool> parse_customer_sort(std::string_view text);

struct CurrencyFigures {
  std::string currency;
  std::int64_t orders_count = 0;
  std::int64_t revenue_minor = 0;
  std::int64_t average_basket_minor = 0;  // rounded half away from zero
};

// Key figures from the customer's sales (orders of kind 'sale').
struct CustomerFigures {
  std::int64_t orders_count = 0;  // all currencies
  std::optional<TimeMs> first_purchase_at;
  std::optional<TimeMs> last_purchase_at;
  // In the business currency (the `currency` setting): revenue and average basket.
  CurrencyFigures main;
  std::vector<CurrencyFigures> other_currencies;  // sales in any other currency
};

struct OrderSummary {
  std::int64_t id = 0;
  std::string kind;
  TimeMs placed_at = 0;
  std::string currency;
  std::int64_t total_minor = 0;
  std::int64_t lines = 0;
};

struct Customer360 {
  Customer customer;
  CustomerFigures figures;
  std::vector<TimelineEntry> timeline;   // latest 10, newest first
  std::vector<OrderSummary> orders;      // latest 5, newest first
  std::optional<LoyaltyMember> loyalty;  // card, tier, balance, points expiring soon
};

struct TimelineParams {
  std::optional<std::string> channel;
  std::optional<std::string> kind;
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

// A contact logged by a person or an integration.
struct InteractionInput {
  std::string kind = "interaction";      // "interaction" (a contact) or "note"
  std::string channel;                   // store, phone, email, sms, web, chat, social, visit
  std::optional<std::string> direction;  // inbound | outbound
  std::optional<std::string> subject;
  std::optional<std::string> body;
  std::optional<TimeMs> at;             // default now; at most a day ahead
  std::optional<std::string> ref_type;  // order | return | product | customer
  std::optional<std::int64_t> ref_id;
};

enum class BulkMode { kCreate, kUpsert };
inline constexpr std::size_t kMaxBulkCustomers = 1000;

struct BulkItemResult {
  std::int64_t index = 0;
  std::int64_t id = 0;
  bool created = false;
};
struct BulkResult {
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::vector<BulkItemResult> items;
};

// Snapshot of a customer for the audit log (times in ms, everything needed to undo).
nlohmann::json audit_json(const Customer& c);

class CustomerService {
 public:
  explicit CustomerService(store::Database& db) : db_(db) {}

  // Any customer, deleted and merged ones included (their deleted_at / merged_into say so).
  Customer get(const Caller& caller, std::int64_t id);
  Page<Customer> list(const Caller& caller, const CustomerListParams& params);
  // Live contacts of an organisation, by id.
  Page<Customer> contacts(const Caller& caller, std::int64_t organisation_id,
                          std::optional<std::string> cursor, std::optional<int> limit);
  Customer360 view360(const Caller& caller, std::int64_t id);
  // Newest first.
  Page<TimelineEntry> timeline(const Caller& caller, std::int64_t id, const TimelineParams& p);

  // REQUIRES nothing of `input`: a missing name or any bad field is an invalid_argument.
  WriteOp<Customer> create(const Caller& caller, CustomerInput input);
  // Conflict when `expected_version` is given and differs, or the customer is deleted/merged.
  WriteOp<Customer> update(const Caller& caller, std::int64_t id, CustomerInput input,
                           std::optional<std::int64_t> expected_version);
  WriteOp<Customer> remove(const Caller& caller, std::int64_t id,
                           std::optional<std::int64_t> expected_version);
  // Conflict when a live customer now holds its email or phone, or it was merged.
  WriteOp<Customer> restore(const Caller& caller, std::int64_t id);
  // Moves orders, returns, interactions, tags, external ids and contacts of `other_id` to `id`,
  // fills `id`'s empty fields from it, and marks it merged_into `id`. Returns the survivor.
  WriteOp<Customer> merge(const Caller& caller, std::int64_t id, std::int64_t other_id);
  WriteOp<TimelineEntry> log_interaction(const Caller& caller, std::int64_t id,
                                         InteractionInput input);
  // All or nothing, at most kMaxBulkCustomers. Upsert matches a live customer by external id, then
  // normalised email, then phone. A refused batch throws one Error whose items() lists every
  // refused item (index and field). `unreadable` lists items the caller could not even parse
  // (their slots in `items` are ignored); the others are still validated, so the client sees
  // every error at once.
  WriteOp<BulkResult> bulk(const Caller& caller, BulkMode mode, std::vector<CustomerInput> items,
                           std::vector<ErrorItem> unreadable = {});

 private:
  store::Database& db_;
};

// Reads one customer (with tags and external ids) on `conn`; throws not_found on field "id".
Customer load_customer(store::Connection& conn, std::int64_t id);

}  // namespace rapport::app
