// Commerce Layer's limits, in one place (commercelayer.md §2, §3; commercelayer-upload.md §3.2).
#pragma once

#include <cstddef>

namespace coupongen {

/// Inputs per import: Commerce Layer's own CLI and dashboard cap an import at 10,000 inputs
/// (commercelayer-cli-core `imports.max_size`, dashboard-apps `importMaxSize`).
inline constexpr size_t kCommerceLayerMaxImportInputs = 10000;

/// Records per export as Commerce Layer's CLI sends them (`exports.max_size`, lowered from the
/// API's 10,000 to 5,000 citing commercelayer/support#777): larger sets are split by id range.
inline constexpr size_t kCommerceLayerExportRecords = 5000;

/// Imports in flight at once: the organisation's default `imports_max_concurrent_count`.
inline constexpr int kCommerceLayerMaxConcurrentImports = 10;

}  // namespace coupongen
