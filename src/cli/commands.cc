#include "cli/commands.h"

#include <iostream>

namespace sessionrec::cli {

void ExitOnError(std::string_view command, const Status& status) {
  if (status.ok()) return;
  std::cerr << "sessionrec " << command << ": " << status.message() << "\n";
  throw CLI::RuntimeError(1);
}

}  // namespace sessionrec::cli
