// table_read_back.py (driver/table_read_back.py, compiled in): a repro
// bundle's run.sh judges read_table's account of a write trial's table with
// it, in the harness's words.
#ifndef FORKCHECK_DRIVER_TABLE_READ_BACK_SCRIPT_H_
#define FORKCHECK_DRIVER_TABLE_READ_BACK_SCRIPT_H_

#include <string_view>

namespace forkcheck {

std::string_view TableReadBackScript();

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_TABLE_READ_BACK_SCRIPT_H_
