/* Unit tests of the environment built for the preload guard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <elf.h>

#include "init/envedit.h"

static size_t count(char **env)
{
	size_t n = 0;

	while (env[n])
		n++;
	return n;
}

static void test_adds_preload_and_groups(void **state)
{
	char *envp[] = {"PATH=/bin", "HOME=/", NULL};
	char **env = env_with_preload(envp, "/strict/g.so", "60000");

	(void)state;
	assert_non_null(env);
	assert_int_equal(count(env), 4);
	assert_string_equal(env[0], "PATH=/bin");
	assert_string_equal(env[1], "HOME=/");
	assert_string_equal(env[2], "STRICT_GROUPS=60000");
	assert_string_equal(env[3], "LD_PRELOAD=/strict/g.so");
	env_free(env);
}

static void test_keeps_earlier_preloads_once(void **state)
{
	char *envp[] = {"LD_PRELOAD=/a.so",
			"X=1",
			"LD_PRELOAD=",
			"LD_PRELOAD=/b.so:/c.so",
			"STRICT_GROUPS=1",
			"STRICT_GROUPS=50000",
			NULL};
	char **env = env_with_preload(envp, "/g.so", "60000,70000");

	(void)state;
	assert_non_null(env);
	/* X, then exactly one STRICT_GROUPS and one LD_PRELOAD */
	assert_int_equal(count(env), 3);
	assert_string_equal(env[0], "X=1");
	assert_string_equal(env[1], "STRICT_GROUPS=60000,70000");
	assert_string_equal(env[2], "LD_PRELOAD=/g.so:/a.so:/b.so:/c.so");
	env_free(env);
}

static void test_empty_environment(void **state)
{
	char *envp[] = {NULL};
	char **env = env_with_preload(envp, "/g.so", "");

	(void)state;
	assert_non_null(env);
	assert_int_equal(count(env), 2);
	assert_string_equal(env[0], "STRICT_GROUPS=");
	assert_string_equal(env[1], "LD_PRELOAD=/g.so");
	env_free(env);
}

/* A 64-byte ELF header with the fields the check reads. */
static void elf_header(unsigned char *h, unsigned char cls, unsigned char data, uint16_t type,
		       uint16_t machine)
{
	Elf64_Ehdr eh;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = cls;
	eh.e_ident[EI_DATA] = data;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = type;
	eh.e_machine = machine;
	memcpy(h, &eh, sizeof(eh));
}

static void test_preload_must_be_a_shared_object_for_this_machine(void **state)
{
	unsigned char h[64];
#if defined(__x86_64__)
	const uint16_t here = EM_X86_64, other = EM_AARCH64;
#else
	const uint16_t here = EM_AARCH64, other = EM_X86_64;
#endif

	(void)state;
	elf_header(h, ELFCLASS64, ELFDATA2LSB, ET_DYN, here);
	assert_null(preload_elf_problem(h, sizeof(h)));
	assert_string_equal(preload_elf_problem(h, 63), "not an ELF file");
	elf_header(h, ELFCLASS64, ELFDATA2LSB, ET_EXEC, here);
	assert_string_equal(preload_elf_problem(h, sizeof(h)), "not an ELF shared object");
	elf_header(h, ELFCLASS64, ELFDATA2LSB, ET_DYN, other);
	assert_string_equal(preload_elf_problem(h, sizeof(h)),
			    "an ELF shared object for another machine");
	elf_header(h, ELFCLASS32, ELFDATA2LSB, ET_DYN, here);
	assert_string_equal(preload_elf_problem(h, sizeof(h)),
			    "not a 64-bit little-endian ELF file");
	elf_header(h, ELFCLASS64, ELFDATA2MSB, ET_DYN, here);
	assert_string_equal(preload_elf_problem(h, sizeof(h)),
			    "not a 64-bit little-endian ELF file");
	memcpy(h, "#!/bin/sh\n", 10);
	assert_string_equal(preload_elf_problem(h, sizeof(h)), "not an ELF file");
	assert_string_equal(preload_elf_problem(h, 0), "not an ELF file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adds_preload_and_groups),
		cmocka_unit_test(test_keeps_earlier_preloads_once),
		cmocka_unit_test(test_empty_environment),
		cmocka_unit_test(test_preload_must_be_a_shared_object_for_this_machine),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("envedit", tests, NULL, NULL);
}
