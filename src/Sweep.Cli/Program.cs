namespace Sweep.Cli; public static class Program { public static int Main(string[] args) { System.Console.WriteLine("not yet"); return 0; } }
