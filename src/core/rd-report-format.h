/* rd-report-format.h: the diagnosis as a document for people: Markdown and HTML
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-types.h"

G_BEGIN_DECLS

char *rd_diagnosis_to_markdown (RdDiagnosis *diagnosis);
char *rd_diagnosis_to_html     (RdDiagnosis *diagnosis);

char *rd_markdown_escape       (const char  *text);

G_END_DECLS
