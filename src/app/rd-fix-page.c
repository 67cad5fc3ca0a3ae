/* rd-fix-page.c: how to fix one cause: numbered steps with their guided
 * buttons, then "check again" on just the checks that showed it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-fix-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rd-action-button.h"
#include "rd-fix-page-private.h"
#include "rd-fix-step.h"
#include "rd-server-script.h"

G_DEFINE_FINAL_TYPE (RdFixPage, rd_fix_page, ADW_TYPE_BIN)

static void
clear_fixes (RdFixPage *self)
{
  for (guint i = 0; i < self->sections->len; i++)
    gtk_box_remove (self->fixes_box, g_ptr_array_index (self->sections, i));
  g_ptr_array_set_size (self->sections, 0);
  self->n_steps = 0;
}

static gboolean
scroll_to_end_cb (GtkWidget     *widget,
                  GdkFrameClock *frame_clock,
                  gpointer       user_data)
{
  RdFixPage *self = RD_FIX_PAGE (widget);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  return G_SOURCE_REMOVE;
}

/* One fix: its title, then its numbered steps. A fix is data from the
 * catalog, so its widgets are made here; each step is a template. */
static void
add_fix (RdFixPage          *self,
         const RdCatalogFix *fix,
         guint               index,
         guint               n_fixes,
         RdTarget           *target)
{
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading;
  g_autofree char *title = NULL;

  if (n_fixes > 1)
    /* Translators: the heading of one of several fixes: "Fix 2: Turn Remote Desktop on" */
    title = g_strdup_printf (_("Fix %u: %s"), index + 1, fix->title);
  else
    title = g_strdup (fix->title);

  heading = g_object_new (GTK_TYPE_LABEL,
                          "label", title,
                          "wrap", TRUE,
                          "wrap-mode", PANGO_WRAP_WORD_CHAR,
                          "xalign", 0.0f,
                          "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING,
                          NULL);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (section), heading);
  /* A screen reader names the group of steps after its fix. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (section),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);

  for (guint i = 0; fix->steps != NULL && i < fix->steps->len; i++)
    {
      const RdCatalogStep *step = g_ptr_array_index (fix->steps, i);

      gtk_box_append (GTK_BOX (section), rd_fix_step_new (i + 1, step, target));
      self->n_steps++;
    }

  /* The fix's steps on the remote computer, as one script for its administrator */
  if (rd_server_script_fix_has_steps (fix))
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *hint = g_object_new (GTK_TYPE_LABEL,
                                      "label", _("Run it as administrator; add -DryRun to see what it would do."),
                                      "wrap", TRUE,
                                      "wrap-mode", PANGO_WRAP_WORD_CHAR,
                                      "xalign", 0.0f,
                                      NULL);

      gtk_widget_set_margin_start (box, 36);
      gtk_widget_add_css_class (hint, "caption");
      gtk_widget_add_css_class (hint, "dim-label");
      gtk_box_append (GTK_BOX (box), rd_action_button_new (RD_ACTION_SERVER_SCRIPT, fix->id));
      gtk_box_append (GTK_BOX (box), hint);
      gtk_box_append (GTK_BOX (section), box);
    }

  gtk_box_append (self->fixes_box, section);
  g_ptr_array_add (self->sections, section);
}

static void
rd_fix_page_dispose (GObject *object)
{
  RdFixPage *self = RD_FIX_PAGE (object);

  _rd_fix_page_actions_dispose (self);
  g_clear_object (&self->diagnosis);

  G_OBJECT_CLASS (rd_fix_page_parent_class)->dispose (object);
}

static void
rd_fix_page_finalize (GObject *object)
{
  RdFixPage *self = RD_FIX_PAGE (object);

  g_clear_object (&self->cause);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->target, rd_target_unref);
  g_clear_pointer (&self->rdp_file, rd_rdp_file_unref);
  g_clear_pointer (&self->sections, g_ptr_array_unref);

  G_OBJECT_CLASS (rd_fix_page_parent_class)->finalize (object);
}

static void
rd_fix_page_class_init (RdFixPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rd_fix_page_dispose;
  object_class->finalize = rd_fix_page_finalize;

  g_type_ensure (RD_TYPE_ACTION_BUTTON);
  g_type_ensure (RD_TYPE_FIX_STEP);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/rd-fix-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, fixes_box);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, next_cause_button);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, recheck_button);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, recheck_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, recheck_spinner);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, verdict_detail_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, verdict_image);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, RdFixPage, verdict_revealer);

  _rd_fix_page_class_actions_init (widget_class);
}

static void
rd_fix_page_init (RdFixPage *self)
{
  /* fixes_box holds the sections; this array only finds them again. */
  self->sections = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * rd_fix_page_set_cause:
 * @cause: the cause to fix
 * @target: (nullable): what was checked; fills the commands' placeholders
 * @note: (nullable): the organisation's note on @cause
 *
 * Shows @cause's fixes that apply, step by step, and forgets the verdict of
 * an earlier "check again".
 */
void
rd_fix_page_set_cause (RdFixPage  *self,
                       RdCause    *cause,
                       RdTarget   *target,
                       const char *note)
{
  GPtrArray *fixes;

  g_return_if_fail (RD_IS_FIX_PAGE (self));
  g_return_if_fail (RD_IS_CAUSE (cause));

  g_set_object (&self->cause, cause);
  if (self->target != target)
    {
      g_clear_pointer (&self->target, rd_target_unref);
      self->target = target != NULL ? rd_target_ref (target) : NULL;
    }
  clear_fixes (self);

  gtk_label_set_text (self->title_label, rd_cause_get_title (cause));
  gtk_label_set_text (self->explanation_label, rd_cause_get_explanation (cause));
  gtk_label_set_text (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL && *note != '\0');

  /* Only the fixes that apply here (restricted admin where it is advertised) */
  fixes = rd_cause_get_fixes (cause);
  for (guint i = 0; fixes != NULL && i < fixes->len; i++)
    add_fix (self, g_ptr_array_index (fixes, i), i, fixes->len, target);

  rd_fix_page_set_verdict (self, RD_FIX_VERDICT_NONE, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);

  /* For tests that watch the app from outside (G_MESSAGES_DEBUG=rd-fix-page). */
  g_debug ("fix for %s: %u steps", rd_cause_get_id (cause), self->n_steps);
}

/**
 * rd_fix_page_set_diagnosis:
 * @diagnosis: (nullable): the diagnosis the next cause comes from: the
 *   guided actions read its evidence (the address the name led to, the
 *   cached certificates) and build the server script from it
 */
void
rd_fix_page_set_diagnosis (RdFixPage   *self,
                           RdDiagnosis *diagnosis)
{
  g_return_if_fail (RD_IS_FIX_PAGE (self));
  g_return_if_fail (diagnosis == NULL || RD_IS_DIAGNOSIS (diagnosis));

  g_set_object (&self->diagnosis, diagnosis);
}

/**
 * rd_fix_page_set_rdp_file:
 * @rdp_file: (nullable): the .rdp file the run was started from: a corrected
 *   file starts from it
 */
void
rd_fix_page_set_rdp_file (RdFixPage *self,
                          RdRdpFile *rdp_file)
{
  g_return_if_fail (RD_IS_FIX_PAGE (self));

  if (self->rdp_file == rdp_file)
    return;
  g_clear_pointer (&self->rdp_file, rd_rdp_file_unref);
  self->rdp_file = rdp_file != NULL ? rd_rdp_file_ref (rdp_file) : NULL;
}

/**
 * rd_fix_page_get_cause:
 *
 * Returns: (transfer none) (nullable): the cause on show
 */
RdCause *
rd_fix_page_get_cause (RdFixPage *self)
{
  g_return_val_if_fail (RD_IS_FIX_PAGE (self), NULL);

  return self->cause;
}

guint
rd_fix_page_get_n_steps (RdFixPage *self)
{
  g_return_val_if_fail (RD_IS_FIX_PAGE (self), 0);

  return self->n_steps;
}

/**
 * rd_fix_page_set_rechecking:
 *
 * Shows that the checks run again (or no longer do).
 */
void
rd_fix_page_set_rechecking (RdFixPage *self,
                            gboolean   rechecking)
{
  g_return_if_fail (RD_IS_FIX_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->recheck_spinner), rechecking);
  gtk_spinner_set_spinning (self->recheck_spinner, rechecking);
  gtk_label_set_text (self->recheck_label, rechecking ? _("Checking…") : _("Check Again"));
  if (rechecking)
    gtk_revealer_set_reveal_child (self->verdict_revealer, FALSE);
}

/**
 * rd_fix_page_set_verdict:
 * @verdict: what checking again found
 * @detail: (nullable): more words, such as why the checks could not run
 */
void
rd_fix_page_set_verdict (RdFixPage    *self,
                         RdFixVerdict  verdict,
                         const char   *detail)
{
  GtkWidget *box;

  g_return_if_fail (RD_IS_FIX_PAGE (self));

  self->verdict = verdict;
  box = gtk_widget_get_parent (GTK_WIDGET (self->verdict_label));
  gtk_widget_remove_css_class (box, "success");
  gtk_widget_remove_css_class (box, "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->next_cause_button), FALSE);

  switch (verdict)
    {
    case RD_FIX_VERDICT_NONE:
      gtk_revealer_set_reveal_child (self->verdict_revealer, FALSE);
      return;

    case RD_FIX_VERDICT_FIXED:
      gtk_image_set_from_icon_name (self->verdict_image, "emblem-ok-symbolic");
      gtk_label_set_text (self->verdict_label, _("Fixed"));
      gtk_label_set_text (self->verdict_detail_label,
                          detail != NULL ? detail : _("The checks no longer show this cause. Try connecting again."));
      gtk_widget_add_css_class (box, "success");
      break;

    case RD_FIX_VERDICT_STILL_FAILING:
      gtk_image_set_from_icon_name (self->verdict_image, "dialog-warning-symbolic");
      gtk_label_set_text (self->verdict_label, _("Still failing — try the next cause"));
      gtk_label_set_text (self->verdict_detail_label,
                          detail != NULL ? detail : _("The checks still show this cause. Make sure every step was done on the right computer, or look at the next cause."));
      gtk_widget_add_css_class (box, "warning");
      gtk_widget_set_visible (GTK_WIDGET (self->next_cause_button),
                              gtk_widget_is_sensitive (GTK_WIDGET (self->next_cause_button)));
      break;

    case RD_FIX_VERDICT_ERROR:
    default:
      gtk_image_set_from_icon_name (self->verdict_image, "dialog-error-symbolic");
      gtk_label_set_text (self->verdict_label, _("The checks could not run"));
      gtk_label_set_text (self->verdict_detail_label, detail != NULL ? detail : "");
      gtk_widget_add_css_class (box, "warning");
      break;
    }

  gtk_revealer_set_reveal_child (self->verdict_revealer, TRUE);
  /* The verdict is at the end of a long page: bring it into view once it
   * has its size. */
  gtk_widget_add_tick_callback (GTK_WIDGET (self), scroll_to_end_cb, NULL, NULL);
  g_debug ("recheck: %s", gtk_label_get_text (self->verdict_label));
}

RdFixVerdict
rd_fix_page_get_verdict (RdFixPage *self)
{
  g_return_val_if_fail (RD_IS_FIX_PAGE (self), RD_FIX_VERDICT_NONE);

  return self->verdict;
}

void
rd_fix_page_focus_first (RdFixPage *self)
{
  g_return_if_fail (RD_IS_FIX_PAGE (self));

  /* The first command's copy button: focus on a selectable text would
   * select all of it. */
  for (guint i = 0; i < self->sections->len; i++)
    for (GtkWidget *child = gtk_widget_get_first_child (g_ptr_array_index (self->sections, i));
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (RD_IS_FIX_STEP (child) && rd_fix_step_focus_copy (RD_FIX_STEP (child)))
        return;

  gtk_widget_grab_focus (GTK_WIDGET (self->recheck_button));
}

/**
 * rd_fix_page_focus_verdict:
 *
 * After "check again": the next cause's button when it is offered, else
 * "Check Again".
 */
void
rd_fix_page_focus_verdict (RdFixPage *self)
{
  g_return_if_fail (RD_IS_FIX_PAGE (self));

  if (gtk_widget_get_visible (GTK_WIDGET (self->next_cause_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->next_cause_button));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->recheck_button));
}
