/* rd-fix-page-private.h: what rd-fix-page.c and rd-fix-page-actions.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rd-fix-page.h"

G_BEGIN_DECLS

struct _RdFixPage
{
  AdwBin             parent_instance;

  /* Template widgets */
  GtkLabel          *explanation_label;
  GtkBox            *fixes_box;
  GtkButton         *next_cause_button;
  GtkLabel          *note_label;
  GtkButton         *recheck_button;
  GtkLabel          *recheck_label;
  GtkSpinner        *recheck_spinner;
  GtkScrolledWindow *scrolled_window;
  GtkLabel          *title_label;
  GtkLabel          *verdict_detail_label;
  GtkImage          *verdict_image;
  GtkLabel          *verdict_label;
  GtkRevealer       *verdict_revealer;

  RdCause           *cause;
  RdTarget          *target;
  RdDiagnosis       *diagnosis;   /* the one @cause comes from, for the guided actions */
  RdRdpFile         *rdp_file;    /* the .rdp file the run started from, or NULL */
  GPtrArray         *sections;    /* the widgets in fixes_box */
  guint              n_steps;
  RdFixVerdict       verdict;

  /* The guided actions under way (rd-fix-page-actions.c) */
  GCancellable      *cancellable;
  GtkNativeDialog   *chooser;
  GBytes            *to_save;
  char              *save_kind;   /* the action that saves it */
  GtkWindow         *dialog;      /* weak: the confirmation on show */
};

void _rd_fix_page_class_actions_init (GtkWidgetClass *widget_class);
void _rd_fix_page_actions_dispose    (RdFixPage      *self);

G_END_DECLS
