using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sweep.Web;

/// <summary>
/// `sweep serve DIR`: a page that follows a campaign while it runs and after it ends — progress per point, outcomes
/// with exact intervals, the report's figures. Read-only like `status`: the store is opened only while a snapshot is
/// read (every second, or less often when reading takes long), figures are drawn in a temporary folder, and nothing
/// is written into DIR. Requests are served from the last snapshot, so any number of open pages cost one reader.
/// </summary>
public sealed class LiveView : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly WebApplication _app;
    private readonly FigureCache _figures;
    private readonly StoreSource _source;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _numbers, _drawing;
    private volatile JsonObject _snapshot;
    private volatile string? _error;

    private LiveView(WebApplication app, FigureCache figures, StoreSource source, JsonObject first)
    {
        (_app, _figures, _source, _snapshot) = (app, figures, source, first);
        Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
        _numbers = Task.Run(ReadLoop);
        _drawing = Task.Run(DrawLoop);
    }

    /// <summary>The address the page is served at, e.g. http://127.0.0.1:5173/.</summary>
    public string Url { get; }

    /// <summary>Reads DIR once (a folder without a campaign is refused by <see cref="Sweep.Campaigns.UserError"/>), then serves it on HOST:PORT (0: a free port).</summary>
    public static async Task<LiveView> StartAsync(string dir, IPAddress host, int port)
    {
        var source = new StoreSource(dir);
        var first = CampaignSnapshot.Read(source.Current());
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(host, port));
        var app = builder.Build();
        var figures = new FigureCache(source);
        LiveView? view = null;
        string page = Page();
        app.MapGet("/", () => TypedResults.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/api/status", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return TypedResults.Content(view!.Status().ToJsonString(), "application/json; charset=utf-8");
        });
        app.MapGet("/figures/{version:int}/{file}", (int version, string file) =>
            figures.File(version, file) is { } path
                ? (IResult)TypedResults.PhysicalFile(path, Path.GetExtension(path) switch { ".svg" => "image/svg+xml", ".png" => "image/png", ".html" => "text/html; charset=utf-8", _ => "application/octet-stream" })
                : TypedResults.NotFound());
        await app.StartAsync();
        view = new LiveView(app, figures, source, first);
        return view;
    }

    private static string Page()
    {
        using var stream = typeof(LiveView).Assembly.GetManifestResourceStream("Sweep.Web.index.html")!;
        return new StreamReader(stream).ReadToEnd();
    }

    private JsonObject Status()
    {
        var status = _snapshot.DeepClone().AsObject();
        var drawn = _figures.Current;
        status["figures"] = new JsonObject
        {
            ["version"] = drawn.Version,
            ["samples"] = drawn.Samples,
            ["partial"] = drawn.Partial,
            ["names"] = new JsonArray(drawn.Figures.Select(f => (JsonNode)f).ToArray()),
        };
        status["error"] = _error ?? _figures.LastError;
        return status;
    }

    private async Task ReadLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                _snapshot = CampaignSnapshot.Read(_source.Current());
                _error = null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A store being created or briefly locked: keep showing the last snapshot, and say why it is old.
                _error = $"could not read the store ({e.Message}); showing the last reading";
            }
            // Reading a large target campaign streams its samples: never spend more than a third of the time reading.
            var wait = clock.Elapsed * 2 > Poll ? clock.Elapsed * 2 : Poll;
            try { await Task.Delay(wait, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    private async Task DrawLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            var snapshot = _snapshot;
            _figures.Refresh(snapshot["done"]!.GetValue<long>(), force: snapshot["complete"]!.GetValue<bool>());
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_numbers, _drawing);
        await _app.StopAsync();
        await _app.DisposeAsync();
        _figures.Dispose();
        _source.Dispose();
        _stop.Dispose();
    }
}
