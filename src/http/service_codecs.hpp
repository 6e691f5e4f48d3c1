#pragma once
// JSON codecs of customer service: tickets, their messages, queues, SLA policies, reports and
// notifications; request bodies read strictly (unknown fields refused, errors name the field).
#include <nlohmann/json.hpp>

#include "app/notifications.hpp"
#include "app/queue_service.hpp"
#include "app/sla_policy_service.hpp"
#include "app/ticket_reports.hpp"
#include "app/ticket_service.hpp"
#include "http/json_reader.hpp"

namespace rapport::http {

nlohmann::json to_json(const app::Ticket& t);
nlohmann::json to_json(const app::TicketMessage& m);
nlohmann::json to_json(const app::TicketQueue& q);
nlohmann::json to_json(const app::SlaPolicy& p);
nlohmann::json to_json(const app::TicketReport& r);
nlohmann::json to_json(const app::Notification& n);

// Bodies. `version` is read by the caller after these (before finish()).
app::NewTicket read_new_ticket(ObjectReader& r);
app::TicketPatch read_ticket_patch(ObjectReader& r);
app::QueueInput read_queue_input(ObjectReader& r);
app::SlaPolicyInput read_sla_policy_input(ObjectReader& r);

}  // namespace rapport::http
