// SPDX-License-Identifier: GPL-2.0
#include "json.h"

/* How many bytes from @s on need no escaping. */
static size_t plain_run(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c == '"' || c == '\\' || c < 0x20)
			break;
	}
	return n;
}

void json_string(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		size_t n = plain_run(s);

		fwrite(s, 1, n, f);
		s += n;
		if (!*s)
			break;
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else
			fprintf(f, "\\u%04x", (unsigned char)*s);
	}
	fputc('"', f);
}
