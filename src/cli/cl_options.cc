#include "cli/cl_options.h"

namespace coupongen {

void AddCommerceLayerOptions(po::options_description& d) {
  d.add_options()
      ("credentials", po::value<std::string>()->value_name("FILE"), "YAML with client_id, client_secret (mode 0600; default: CL_CLIENT_ID, CL_CLIENT_SECRET)")
      ("auth-url", po::value<std::string>()->value_name("URL"), "token endpoint (default CL_AUTH_URL or https://auth.commercelayer.io/oauth/token)")
      ("api-url", po::value<std::string>()->value_name("URL"), "API base (default CL_API_URL or https://<slug>.commercelayer.io from the token)")
      ("ca-file", po::value<std::string>()->value_name("FILE"), "trust this CA bundle (a private CA); TLS is always verified");
}

Result<cl::Credentials> LoadCommerceLayerCredentials(const po::variables_map& vm) {
  cl::CredentialSources src;
  if (vm.count("credentials")) src.file = vm["credentials"].as<std::string>();
  if (vm.count("auth-url")) src.auth_url = vm["auth-url"].as<std::string>();
  if (vm.count("api-url")) src.api_url = vm["api-url"].as<std::string>();
  return cl::LoadCredentials(src);
}

}  // namespace coupongen
