#include "mpi_job.hpp"

#include <cstdlib>

#ifdef FUNNELSIM_MPI
#include <mpi.h>
#endif

namespace funnelsim::cli {

#ifdef FUNNELSIM_MPI

namespace {

// MPI_Init in a process that no launcher started makes Open MPI start a singleton runtime,
// slow and noisy in containers: a plain `funnelsim run` of an MPI build stays a plain run.
bool started_by_mpi_launcher() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(variable) != nullptr)
      return true;
  }
  return false;
}

}  // namespace

MpiJob::MpiJob() {
  if (!started_by_mpi_launcher())
    return;
  MPI_Init(nullptr, nullptr);
  initialized_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiJob::~MpiJob() {
  if (initialized_)
    MPI_Finalize();
}

bool MpiJob::all(bool ok) const {
  if (!initialized_)
    return ok;
  int mine = ok ? 1 : 0;
  int every = 0;
  MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return every != 0;
}

std::uint64_t MpiJob::from_root(std::uint64_t value) const {
  if (initialized_)
    MPI_Bcast(&value, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  return value;
}

#else

MpiJob::MpiJob() = default;
MpiJob::~MpiJob() = default;

bool MpiJob::all(bool ok) const {
  return ok;
}

std::uint64_t MpiJob::from_root(std::uint64_t value) const {
  return value;
}

#endif

}  // namespace funnelsim::cli
