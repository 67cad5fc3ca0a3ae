/* rd-evidence-dialog.h: brings the server's evidence back: pasted, or read
 * from the file the evidence script saved
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "rd-core.h"

G_BEGIN_DECLS

#define RD_TYPE_EVIDENCE_DIALOG (rd_evidence_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RdEvidenceDialog, rd_evidence_dialog, RD, EVIDENCE_DIALOG, AdwWindow)

RdEvidenceDialog *rd_evidence_dialog_new          (GtkWindow        *parent);
void              rd_evidence_dialog_import_text  (RdEvidenceDialog *self,
                                                   const char       *text);
void              rd_evidence_dialog_import_file  (RdEvidenceDialog *self,
                                                   GFile            *file);
const char       *rd_evidence_dialog_get_error    (RdEvidenceDialog *self);

G_END_DECLS
