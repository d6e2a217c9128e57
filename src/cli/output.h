// Where a command's data goes (run/output.h), opened with the Context's stdout and file system.
#pragma once

#include <string>

#include "cli/command.h"
#include "run/output.h"

namespace coupongen {

/// OpenOutput (run/output.h) with ctx.out as stdout and ctx.env as the file system.
inline Result<Output> OpenOutput(const std::string& path, bool force, Context& ctx) {
  return OpenOutput(path, force, ctx.out, ctx.env);
}

}  // namespace coupongen
