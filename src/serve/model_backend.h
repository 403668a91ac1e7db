// The production ServiceBackend: a Recommender over a loaded ModelBundle.
#pragma once

#include <memory>

#include "serve/handlers.h"
#include "serve/model_bundle.h"

namespace sessionrec {

std::unique_ptr<ServiceBackend> MakeModelBackend(std::shared_ptr<const ModelBundle> bundle);

}  // namespace sessionrec
