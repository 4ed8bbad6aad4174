/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXITSTAT_TOOLS_JSON_H
#define EXITSTAT_TOOLS_JSON_H

#include <stdio.h>

/* Writes @s as a JSON string literal, quotes included; NULL as null. */
void json_string(FILE *f, const char *s);

#endif /* EXITSTAT_TOOLS_JSON_H */
