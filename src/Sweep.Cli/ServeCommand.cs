using System.Net;
using System.Net.Sockets;
using Serilog;
using Sweep.Campaigns;
using Sweep.Web;

namespace Sweep.Cli;

/// <summary>
/// `sweep serve DIR [--port P] [--host H]`: the live web view (<see cref="LiveView"/>) until Ctrl-C or SIGTERM (exit 0:
/// stopping is how a view ends). It logs to the user's log folder, never under DIR: a view writes nothing there.
/// </summary>
public static class ServeCommand
{
    public static async Task<int> Execute(string dir, string host, int port)
    {
        if (!IPAddress.TryParse(host, out var address))
            throw new UserError($"--host must be an IP address such as 127.0.0.1 (got '{host}')");
        if (!Directory.Exists(dir)) throw new UserError($"'{dir}' is not a folder");
        if (!IPAddress.IsLoopback(address))
            Console.Error.WriteLine($"warning: serving on {host}: anyone who reaches it can read this campaign's results");
        using var interrupt = new Interrupt();
        LiveView view;
        try { view = await LiveView.StartAsync(dir, address, port); }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserError($"--port {port}: {host}:{port} is in use; choose another port (0: any free one)");
        }
        await using (view)
        {
            Console.WriteLine($"serving {dir} at {view.Url} (read-only; Ctrl-C stops)");
            Log.Information("serving {Dir} at {Url}", dir, view.Url);
            await interrupt.First;
        }
        return 0;
    }
}
