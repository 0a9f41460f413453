#pragma once
// The MPI job a `funnelsim run` belongs to when mpirun started it. Built without MPI
// (FUNNELSIM_MPI=OFF), or started without mpirun, the job is this one process.

#include <cstdint>

namespace funnelsim::cli {

/// Joins the MPI job for its lifetime (MPI_Init and MPI_Finalize) when the process was
/// started by an MPI launcher; otherwise a job of one rank. One per process.
class MpiJob {
 public:
  MpiJob();
  ~MpiJob();
  MpiJob(const MpiJob&) = delete;
  MpiJob& operator=(const MpiJob&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  /// True on every rank when `ok` is true on every rank (a collective: all ranks call it).
  bool all(bool ok) const;
  /// Rank 0's `value`, on every rank (a collective).
  std::uint64_t from_root(std::uint64_t value) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool initialized_ = false;
};

}  // namespace funnelsim::cli
