/*
 * fault.h — failure injection for tests (compiled in only with
 * -DNGI_FAULT_INJECTION, which the test build sets).
 */
#ifndef NG_FAULT_H
#define NG_FAULT_H

/* Defined only in the test build of alloc.c. The allocation after the next n succeeds fails, and every later one too,
 * until reset with n = -1. Per thread. */
void ngi_fault_alloc_after(long n);

#endif /* NG_FAULT_H */
