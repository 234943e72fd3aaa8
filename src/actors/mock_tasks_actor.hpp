#pragma once
// Test mode (the daemon's mock-config option): answers the Task states an execution's test
// case mocks, from Step Functions Local's mocked responses. It owns the invocation numbers:
// one count per state per execution, shared by the execution's Parallel branches and Map
// iterations (each runs in an actor of its own), handed out in the order the calls arrive.
// The counts live in memory only: after a restart an execution's mocked states count from 0
// again (a test mode, not a durability promise).

#include "actors/interfaces.hpp"
#include "domain/asl/mock_config.hpp"

#include <caf/all.hpp>

#include <memory>
#include <string>

namespace settled::actors {

struct MockCall {
  std::string execution_id;  // the top-level execution (a branch's id up to its first '~')
  std::string state_machine;
  std::string test_case;
  std::string state;
};

// Handles `mock_atom, MockCall -> TaskOutcome` for a state its test case mocks.
MockTasksActor spawn_mock_tasks(caf::actor_system& system,
                                std::shared_ptr<const asl::MockConfig> config);

}  // namespace settled::actors
