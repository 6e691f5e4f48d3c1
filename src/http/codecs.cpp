#include "http/codecs.hpp"

namespace rapport::http {

nlohmann::json time_json(std::optional<TimeMs> t) {
  return t ? nlohmann::json(format_time(*t)) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const app::User& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"role", role_name(u.role)},
          {"disabled", u.disabled},
          {"created_at", format_time(u.created_at)},
          {"updated_at", format_time(u.updated_at)},
          {"version", u.version}};
}

nlohmann::json to_json(const app::AuditEntry& e) {
  auto parse = [](const std::optional<std::string>& s) {
    return s ? nlohmann::json::parse(*s, nullptr, false) : nlohmann::json(nullptr);
  };
  nlohmann::json j = {{"id", e.id},
                      {"at", format_time(e.at)},
                      {"request_id", e.request_id},
                      {"action", e.action},
                      {"entity", e.entity},
                      {"entity_id", e.entity_id},
                      {"before", parse(e.before)},
                      {"after", parse(e.after)}};
  j["user_id"] = e.user_id ? nlohmann::json(*e.user_id) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json to_json(const app::ApiToken& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"kind", t.kind},
          {"name", t.name},
          {"created_at", format_time(t.created_at)},
          {"expires_at", format_time(t.expires_at)},
          {"revoked_at", time_json(t.revoked_at)}};
}

nlohmann::json to_json(const app::IssuedToken& t) {
  return {{"id", t.id},
          {"token", t.token},
          {"expires_at", format_time(t.expires_at)},
          {"user", to_json(t.user)}};
}

}  // namespace rapport::http
