// Exits 0 where the running CPU has the x86-64-v3 features funnelsim's auto build relies on
// (CMakeLists.txt, FUNNELSIM_ARCH=auto).
int main() {
  __builtin_cpu_init();
  const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
                  __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma") &&
                  __builtin_cpu_supports("avx");
  return v3 ? 0 : 1;
}
