using System.Globalization;
using Akka.Actor;
using Serilog;
using Sweep.Results.Output;
using Sweep.Coordinator.Actors;
using Sweep.Results.Statistics;

namespace Sweep.Cli;

/// <summary>
/// Live progress: on a terminal one line rewritten twice a second (samples done/total, rate, ETA, running saddle mass
/// per point); otherwise a plain line every 10 s. The log gets Done, Total and Rate as properties at most every 10 s.
/// </summary>
public sealed class ProgressView(IActorRef aggregator)
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);
    private DateTime _lastLogged = DateTime.MinValue;

    /// <summary>Samples per second solved by this run (those stored before it started do not count).</summary>
    private static double Rate(Progress p)
    {
        double elapsed = (DateTime.UtcNow - p.StartedUtc).TotalSeconds;
        return elapsed > 0 ? (p.Done - p.DoneAtStart) / elapsed : 0;
    }

    public async Task RunUntil(Task done)
    {
        var interval = _interactive ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(10);
        while (!done.IsCompleted)
        {
            await Task.WhenAny(done, Task.Delay(interval));
            if (done.IsCompleted) break;
            Progress p;
            try { p = await aggregator.Ask<Progress>(GetProgress.Live, TimeSpan.FromSeconds(5)); }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException) { continue; }
            string line = Format(p);
            if (_interactive) Console.Write("\r" + line.PadRight(Math.Max(0, SafeWidth() - 1))[..Math.Max(0, Math.Min(line.Length + 20, SafeWidth() - 1))]);
            else Console.WriteLine(line);
            // For log collectors: the numbers as properties, at most every 10 s whatever the screen's refresh.
            if (DateTime.UtcNow - _lastLogged >= LogInterval)
            {
                _lastLogged = DateTime.UtcNow;
                Log.Information("progress {Done}/{Total} samples, {Rate:F1} samples/s", p.Done, p.Total, Rate(p));
            }
        }
        if (_interactive) Console.WriteLine();
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth > 20 ? Console.WindowWidth : 120; } catch (IOException) { return 120; }
    }

    public string Format(Progress p)
    {
        double rate = Rate(p);
        string eta = rate > 0 ? Eta(TimeSpan.FromSeconds((p.Total - p.Done) / rate)) : "--:--:--";
        // Per point, the saddle-mass bracket [certified saddles, + unresolved]: never a single number that could be read as a basin.
        var saddle = string.Join(" ", p.Points.Take(8).Select(s => $"p{s.Point}:{(s.SaddleMass is { } m ? $"[{Display.Short(m.Lower)},{Display.Short(m.Upper)}]" : "-")}"));
        if (p.Points.Count > 8) saddle += " …";
        if (p.Targets is { } targets)
        {
            // Per point its anytime bound against the target: met (=), out of reach (x), budget ($), or samples to go.
            int open = targets.Count(t => t?.Stopped is null);
            // Open points first (what is still being decided), then the stopped ones, each in index order.
            var shown = string.Join(" ", targets.Select((t, i) => (t, i)).Where(x => x.t is not null).OrderBy(x => x.t!.Stopped is null ? 0 : 1).Take(8).Select(x =>
                $"p{x.i}:{Display.Short(x.t!.Current)}{(x.t.Stopped switch { StopReason.TargetMet => "=", StopReason.OutOfReach => "x", StopReason.Budget => "$", _ => $"~{x.t.ToGo}" })}"));
            if (targets.Count > 8) shown += " …";
            string workEta = WorkEta(p) is { } t ? $"  ETA ≈ {Eta(t)}" : "";
            return $"{p.Done} samples, {targets.Count - open}/{targets.Count} points stopped  {rate:0.0}/s{workEta}  bound (target {(targets.FirstOrDefault(t => t is not null)?.Target.Bound is { } b ? Display.Short(b) : "-")}): {shown}";
        }
        return $"{p.Done}/{p.Total} samples ({100.0 * p.Done / Math.Max(1, p.Total):0.0}%)  {rate:0.0}/s  ETA {eta}  saddle mass {saddle}";
    }


    /// <summary>
    /// With a target, the time to go by work, not samples (a deep point's sample costs a hundred shallow ones): the work to
    /// go over this run's rate of work; projected, as the samples to go are. Null before any work is done or known to go,
    /// and while some open point's cost is not known: leaving its work out of both would bias the time either way.
    /// </summary>
    public static TimeSpan? WorkEta(Progress p)
    {
        double elapsed = (DateTime.UtcNow - p.StartedUtc).TotalSeconds;
        if (p.WorkUnknownPoints > 0 || p.WorkToGo <= 0 || p.WorkDone <= 0 || elapsed <= 0) return null;
        return TimeSpan.FromSeconds(Math.Min(p.WorkToGo / (p.WorkDone / elapsed), 1e9));     // 30 years: no guide beyond
    }

    /// <summary>hh:mm:ss, with days in front when a campaign has that long to go (30 h is "1d 06:00:00", not "06:00:00").</summary>
    public static string Eta(TimeSpan t) => t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t:hh\\:mm\\:ss}" : t.ToString(@"hh\:mm\:ss");
}
