// The Commerce Layer options upload and pull share (--credentials, --auth-url, --api-url,
// --ca-file), and the credentials they name (cl/client.h).
#pragma once

#include "cl/client.h"
#include "cli/command.h"

namespace coupongen {

void AddCommerceLayerOptions(po::options_description& d);
Result<cl::Credentials> LoadCommerceLayerCredentials(const po::variables_map& vm);

}  // namespace coupongen
