/* wizard-peer.c: the peer bench/wizard.py compares the wizard's cold start with
 *
 * The smallest libadwaita app: an AdwApplicationWindow with a header bar and
 * a status page, built by GTK's defaults (renderer included). It prints the
 * same "first-frame" line as rdp-doctor with RDP_DOCTOR_PROFILE=quit (see
 * src/app/rd-profile.c), measured the same way, and quits.
 *
 *   cc -O2 -o wizard-peer wizard-peer.c $(pkg-config --cflags --libs libadwaita-1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static gint64 started_us;
static gboolean painted;

static gint64
read_process_start (void)
{
  g_autofree char *stat = NULL;
  const char *p;
  guint64 ticks = 0;
  struct timespec boot, mono;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (p = strrchr (stat, ')')) == NULL ||
      sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %" G_GUINT64_FORMAT,
              &ticks) != 1)
    return g_get_monotonic_time ();

  clock_gettime (CLOCK_BOOTTIME, &boot);
  clock_gettime (CLOCK_MONOTONIC, &mono);
  return (gint64) mono.tv_sec * G_USEC_PER_SEC + mono.tv_nsec / 1000
         - ((gint64) boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000)
         + (gint64) (ticks * G_USEC_PER_SEC / (guint64) sysconf (_SC_CLK_TCK));
}

static guint64
status_kb (const char *status, const char *key)
{
  const char *line = status != NULL ? strstr (status, key) : NULL;

  return line != NULL ? g_ascii_strtoull (line + strlen (key), NULL, 10) : 0;
}

static gboolean
quit_cb (gpointer app)
{
  g_application_quit (app);
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock, gpointer app)
{
  g_autofree char *status = NULL;

  if (painted)
    return;
  painted = TRUE;
  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  fprintf (stderr, "rdp-doctor-profile: first-frame ms=%.1f rss_kb=%" G_GUINT64_FORMAT " hwm_kb=%" G_GUINT64_FORMAT "\n",
           (g_get_monotonic_time () - started_us) / 1000.0,
           status_kb (status, "\nVmRSS:"), status_kb (status, "\nVmHWM:"));
  g_idle_add (quit_cb, app);
}

static void
realize_cb (GtkWidget *window, gpointer app)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint_cb), app);
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_status_page_new ();

  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Peer");
  adw_status_page_set_description (ADW_STATUS_PAGE (page), "The smallest libadwaita window");
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), page);
  gtk_widget_set_vexpand (page, TRUE);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 760);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), app);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr(AdwApplication) app = NULL;

  started_us = read_process_start ();
  app = adw_application_new ("io.github.rdpdoctor.BenchPeer", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
