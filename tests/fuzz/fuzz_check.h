/* The fuzz targets' assertion: an invariant that does not hold aborts, so
 * libFuzzer saves the input, after one line naming the condition. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "invariant violated: %s (%s:%d)\n", #cond, __FILE__, \
				__LINE__); \
			abort(); \
		} \
	} while (0)

#endif
