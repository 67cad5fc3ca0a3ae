/* rd-profile.c: RDP_DOCTOR_PROFILE, the wizard's opt-in speed measurements
 *
 * With RDP_DOCTOR_PROFILE set, the wizard prints lines for machines (never
 * translated) on stderr, each "rdp-doctor-profile: EVENT key=value…":
 *
 *   mark name=NAME ms=T               a point on the way to the first frame
 *   first-frame ms=T rss_kb=R hwm_kb=H
 *   checking seconds=S frames=N fps=F min_fps=M worst_gap_ms=G
 *   run-start ms=T
 *   after-run ms=T gap_ms=G
 *
 * T is milliseconds since the process started, taken from /proc/self/stat so
 * that exec and dynamic linking count; that start is in clock ticks (10 ms
 * here), so T is late by up to one tick. The first frame is the main window's
 * first GdkFrameClock::after-paint; R and H are VmRSS and VmHWM then. A
 * "checking" line sums up the frames painted while the checking page followed
 * a run: F over the whole run, M the fewest in any whole second, G the
 * longest time between two frames. The spinners never stop on that page, so
 * every frame GTK could not paint is a gap. "run-start" is the first frame
 * of the checking page, T after the run began (not for a run asked for
 * before the window's first frame); "after-run" the next frame once the run
 * is over (the results page, or the start page after Cancel): T after the
 * run's end, G after the last frame of the checking page.
 *
 * RDP_DOCTOR_PROFILE=quit also quits after the first frame, for benchmarks
 * that start the wizard many times. bench/wizard.py reads these lines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-profile"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rd-profile.h"

#define PREFIX "rdp-doctor-profile: "

static struct
{
  gboolean  enabled;
  gboolean  quit;
  gint64    started_us;      /* the process start, on the monotonic clock */
  gboolean  painted;

  /* While the checking page follows a run */
  gboolean  busy;
  gint64    busy_since_us;
  gint64    last_paint_us;
  gint64    worst_gap_us;
  guint     frames;
  gint64    second_since_us;
  guint     second_frames;
  guint     min_second_frames;
  gboolean  whole_second;

  /* From a run's start and end to the next frame: what the page costs */
  gboolean  began;
  gboolean  ended;
  gint64    ended_us;
} profile;

/* The process' start on the monotonic clock, from its start since boot */
static gint64
read_process_start (void)
{
  g_autofree char *stat = NULL;
  const char *p;
  guint64 start_ticks = 0;
  struct timespec boot, mono;
  long ticks_per_second = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (p = strrchr (stat, ')')) == NULL || ticks_per_second <= 0)
    return g_get_monotonic_time ();

  /* Field 22, starttime; p is at the end of field 2, the command name,
   * which may hold spaces. */
  if (sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %" G_GUINT64_FORMAT,
              &start_ticks) != 1)
    return g_get_monotonic_time ();

  clock_gettime (CLOCK_BOOTTIME, &boot);
  clock_gettime (CLOCK_MONOTONIC, &mono);
  return (gint64) mono.tv_sec * G_USEC_PER_SEC + mono.tv_nsec / 1000
         - ((gint64) boot.tv_sec * G_USEC_PER_SEC + boot.tv_nsec / 1000)
         + (gint64) (start_ticks * G_USEC_PER_SEC / (guint64) ticks_per_second);
}

static double
ms_since_start (gint64 now_us)
{
  return (now_us - profile.started_us) / 1000.0;
}

/* VmRSS or VmHWM from /proc/self/status, in kB */
static guint64
read_status_kb (const char *status,
                const char *key)
{
  const char *line = status != NULL ? strstr (status, key) : NULL;

  return line != NULL ? g_ascii_strtoull (line + strlen (key), NULL, 10) : 0;
}

static gboolean
quit_cb (gpointer user_data)
{
  GApplication *application = g_application_get_default ();

  if (application != NULL)
    g_application_quit (application);
  return G_SOURCE_REMOVE;
}

static void
print_first_frame (gint64 now_us)
{
  g_autofree char *status = NULL;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  fprintf (stderr, PREFIX "first-frame ms=%.1f rss_kb=%" G_GUINT64_FORMAT " hwm_kb=%" G_GUINT64_FORMAT "\n",
           ms_since_start (now_us),
           read_status_kb (status, "\nVmRSS:"),
           read_status_kb (status, "\nVmHWM:"));
  fflush (stderr);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (!profile.painted)
    {
      profile.painted = TRUE;
      print_first_frame (now);
      if (profile.quit)
        g_idle_add (quit_cb, NULL);
    }

  if (profile.began)
    {
      profile.began = FALSE;
      fprintf (stderr, PREFIX "run-start ms=%.1f\n", (now - profile.busy_since_us) / 1000.0);
      fflush (stderr);
    }

  if (profile.ended)
    {
      profile.ended = FALSE;
      fprintf (stderr, PREFIX "after-run ms=%.1f gap_ms=%.1f\n",
               (now - profile.ended_us) / 1000.0,
               profile.last_paint_us != 0 ? (now - profile.last_paint_us) / 1000.0 : 0.0);
      fflush (stderr);
    }

  if (!profile.busy)
    return;

  profile.frames++;
  if (profile.last_paint_us != 0)
    profile.worst_gap_us = MAX (profile.worst_gap_us, now - profile.last_paint_us);
  profile.last_paint_us = now;

  /* Whole seconds since the run began, for the slowest of them */
  profile.second_frames++;
  if (now - profile.second_since_us >= G_USEC_PER_SEC)
    {
      profile.min_second_frames = profile.whole_second
                                    ? MIN (profile.min_second_frames, profile.second_frames)
                                    : profile.second_frames;
      profile.whole_second = TRUE;
      profile.second_frames = 0;
      profile.second_since_us = now;
    }
}

static void
on_realize_cb (GtkWidget *widget,
               gpointer   user_data)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  rd_profile_mark ("realize");
  if (clock != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

/**
 * rd_profile_init:
 *
 * Reads RDP_DOCTOR_PROFILE; call it first thing in main().
 */
void
rd_profile_init (void)
{
  const char *value = g_getenv ("RDP_DOCTOR_PROFILE");

  if (value == NULL || *value == '\0' || g_str_equal (value, "0"))
    return;

  profile.enabled = TRUE;
  profile.quit = strstr (value, "quit") != NULL;
  profile.started_us = read_process_start ();
  rd_profile_mark ("main");
}

gboolean
rd_profile_is_enabled (void)
{
  return profile.enabled;
}

void
rd_profile_mark (const char *name)
{
  if (!profile.enabled)
    return;

  fprintf (stderr, PREFIX "mark name=%s ms=%.1f\n", name, ms_since_start (g_get_monotonic_time ()));
}

/**
 * rd_profile_watch_window:
 *
 * Counts @window's frames, from its first.
 */
void
rd_profile_watch_window (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  if (!profile.enabled)
    return;

  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    on_realize_cb (GTK_WIDGET (window), NULL);
  else
    g_signal_connect (window, "realize", G_CALLBACK (on_realize_cb), NULL);
}

/**
 * rd_profile_busy_begin:
 *
 * The checking page follows a run from now on.
 */
void
rd_profile_busy_begin (void)
{
  if (!profile.enabled)
    return;

  profile.busy = TRUE;
  profile.busy_since_us = g_get_monotonic_time ();
  profile.second_since_us = profile.busy_since_us;
  /* A run started before the first frame (from the command line) waits
   * for it like everything else; the start-up is not a gap. */
  profile.last_paint_us = profile.painted ? profile.busy_since_us : 0;
  profile.began = profile.painted;
  profile.worst_gap_us = 0;
  profile.frames = 0;
  profile.second_frames = 0;
  profile.min_second_frames = 0;
  profile.whole_second = FALSE;
}

/**
 * rd_profile_busy_end:
 *
 * The run is over (finished or stopped): prints its frame rate.
 */
void
rd_profile_busy_end (void)
{
  double seconds;

  if (!profile.enabled || !profile.busy)
    return;

  profile.busy = FALSE;
  profile.ended = TRUE;
  profile.ended_us = g_get_monotonic_time ();
  seconds = (profile.ended_us - profile.busy_since_us) / (double) G_USEC_PER_SEC;
  fprintf (stderr, PREFIX "checking seconds=%.2f frames=%u fps=%.1f min_fps=%u worst_gap_ms=%.1f\n",
           seconds, profile.frames, seconds > 0 ? profile.frames / seconds : 0.0,
           profile.whole_second ? profile.min_second_frames : profile.frames,
           profile.worst_gap_us / 1000.0);
  fflush (stderr);
}
