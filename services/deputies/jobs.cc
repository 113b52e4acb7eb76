#include "deputies/jobs.h"

#include <string_view>
#include <utility>

#include "deputies/duties.h"
#include "deputies/duty_events.h"

namespace minyi::deputies {

void AddJobs(ServiceHost& host) {
  EventConsumer::Options consumer;
  consumer.group = "deputies";
  consumer.wants = [](std::string_view type) {
    return AutomaticDutyFor(absl::string_view(type.data(), type.size())).has_value();
  };
  host.AddBatchConsumer(std::move(consumer), &RecordDutiesFromEvents);
}

}  // namespace minyi::deputies
