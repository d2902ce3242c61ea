/* fuzz_nn_task.c - nn_task_parse (train eval's task records) on arbitrary
 * lines: no crash, and a parsed record is consistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/evaltask.c"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum nn_task_kind kind = size && (data[0] & 1) ? NN_TASK_CHOICE : 0;
	struct nn_task_ex ex;
	const char *why = NULL;

	if (nn_task_parse((const char *)data, size, &kind, &ex, &why) == 0) {
		if (!ex.context)
			abort();
		if (kind == NN_TASK_CHOICE && (ex.nchoices < 1 ||
		    ex.label < 0 || ex.label >= ex.nchoices))
			abort();
		if (kind == NN_TASK_TEXT && ex.nchoices != 0)
			abort();
		nn_task_ex_release(&ex);
	} else if (!why) {
		abort();
	}
	return 0;
}
