// The production ServiceBackend: a Recommender over a loaded ModelBundle.
#pragma once

#include <memory>

#include "serve/model_bundle.h"
#include "serve/service_backend.h"

namespace sessionrec {

std::unique_ptr<ServiceBackend> MakeModelBackend(std::shared_ptr<const ModelBundle> bundle);

}  // namespace sessionrec
