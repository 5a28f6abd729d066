// The libtorch peer of `sweep bench` (issue 17): what a PyTorch user writes, here through TorchSharp (the same libtorch
// kernels as PyTorch): the batched Dormand–Prince 5(4) of bench/peers.py (numpy_batched) over all
// trajectories at once in float64, the gradient by bmm, per-trajectory step sizes, one thread. Same configurations,
// tolerances (rtol 1e-7, atol 1e-9, grad_tol_rel 1e-6) and stop rule (‖∇L‖ < tol, horizon, divergence) as the peer.
// The starting points are those of `sweep bench` (GaussianInitializer, seed 0, samples 0..N−1), so after the timed
// integration each trajectory's label (the classifier of Sweep.Numerics) is compared with ours for the same sample.
// usage: dotnet run -c Release --project tools/torchpeer -- small|medium [N]   -> one JSON line
using System.Diagnostics;
using System.Text.Json.Nodes;
using Sweep.Numerics;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;
using TorchSharp;
using static TorchSharp.torch;

string which = args.Length > 0 ? args[0] : "small";
int count = args.Length > 1 ? int.Parse(args[1]) : 1000;
if (which is not ("small" or "medium")) { Console.Error.WriteLine("usage: torchpeer small|medium [N]"); return 2; }
torch.set_num_threads(1);
torch.set_num_interop_threads(1);

// The configurations of `sweep bench` and peers.py.
double[] sigmas = which == "small" ? [3, 2, 1, 0.5] : Enumerable.Range(0, 8).Select(i => 4 - 3.5 * i / 7).ToArray();
int dx = which == "small" ? 4 : 16;
int[] hidden = which == "small" ? [4, 4] : [16, 16, 16];
double scale = which == "small" ? 0.3 : 0.2, tMax = which == "small" ? 1000 : 2000;
const double rtol = 1e-7, atol = 1e-9, gradTolRel = 1e-6;

var problem = LinearNetworkProblem.Canonical(sigmas, dx, hidden).Value!;
int n = problem.Shape.ParameterCount, dy = sigmas.Length;
int[] dims = [dx, .. hidden, dy];
var init = new GaussianInitializer(scale, []);
var y0 = new double[count * n];
for (int i = 0; i < count; i++) init.Draw(problem, 0, 0, i, y0.AsSpan(i * n, n));

var cyxData = new double[dy * dx];
for (int i = 0; i < dy; i++) cyxData[i * dx + i] = sigmas[i];
using var cyx = torch.tensor(cyxData, [dy, dx], ScalarType.Float64);
using var cxx = torch.eye(dx, dtype: ScalarType.Float64);
double gtol = gradTolRel * Math.Sqrt(sigmas.Sum(s => s * s));

// The gradient of peers.py's loss_grad: prefix products, E = P Cxx − Cyx, and the backward pass, batched by bmm.
Tensor Gradient(Tensor y)
{
    long batch = y.shape[0];
    int layers = dims.Length - 1;
    var ws = new Tensor[layers];
    for (int i = 0, off = 0; i < layers; off += dims[i + 1] * dims[i], i++)
        ws[i] = y.narrow(1, off, dims[i + 1] * dims[i]).reshape(batch, dims[i + 1], dims[i]);
    var pre = new Tensor[layers + 1];
    pre[1] = ws[0];
    for (int i = 2; i <= layers; i++) pre[i] = torch.bmm(ws[i - 1], pre[i - 1]);
    var e = torch.matmul(pre[layers], cxx) - cyx;
    var grads = new Tensor[layers];
    Tensor? suffix = null;
    for (int i = layers - 1; i >= 0; i--)
    {
        var left = suffix is null ? e : torch.bmm(suffix.transpose(1, 2), e);
        grads[i] = (i == 0 ? left : torch.bmm(left, pre[i].transpose(1, 2))).reshape(batch, -1);
        suffix = suffix is null ? ws[i] : torch.bmm(suffix, ws[i]);
    }
    return torch.cat(grads, 1);
}

double[][] a =
[
    [], [1.0 / 5], [3.0 / 40, 9.0 / 40], [44.0 / 45, -56.0 / 15, 32.0 / 9],
    [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
    [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
];
double[] b = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0];
double[] eb = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40];

var sw = Stopwatch.StartNew();
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
using var y = torch.tensor(y0, [count, n], ScalarType.Float64);
using var t = torch.zeros(count, dtype: ScalarType.Float64);
using var h = torch.full(count, 1e-3, dtype: ScalarType.Float64);     // peers.py's fixed first step
using var status = torch.zeros(count, dtype: ScalarType.Int64);       // 0 running, 1 converged, 2 horizon, 3 diverged
using var steps = torch.zeros(count, dtype: ScalarType.Int64);
using var active = torch.ones(count, dtype: ScalarType.Bool);
using var k1 = -Gradient(y);
using (var scope = torch.NewDisposeScope())
{
    var done = (k1 * k1).sum(1).sqrt() < gtol;
    status.masked_fill_(done, 1);
    active.masked_fill_(done, false);
}
long iterations = 0;
while (true)
{
    using var scope = torch.NewDisposeScope();
    if (!active.any().item<bool>()) break;
    iterations++;
    var idx = active.nonzero().squeeze(1);
    var ya = y.index_select(0, idx);
    var ha = torch.clamp(torch.minimum(h.index_select(0, idx), tMax - t.index_select(0, idx)), min: 1e-14);
    var hc = ha.unsqueeze(1);
    var k = new Tensor[7];
    k[0] = k1.index_select(0, idx);
    for (int s = 1; s < 7; s++)
    {
        var sum = k[0] * (s < 6 ? a[s][0] : b[0]);
        for (int j = 1; j < s; j++)
        {
            double c = s < 6 ? a[s][j] : b[j];
            if (c != 0) sum = sum + k[j] * c;
        }
        k[s] = -Gradient(ya + hc * sum);
    }
    var ynew = ya + hc * (k[0] * b[0] + k[2] * b[2] + k[3] * b[3] + k[4] * b[4] + k[5] * b[5]);
    var err = hc * (k[0] * eb[0] + k[2] * eb[2] + k[3] * eb[3] + k[4] * eb[4] + k[5] * eb[5] + k[6] * eb[6]);
    var sc = atol + rtol * torch.maximum(ya.abs(), ynew.abs());
    var ratio = err / sc;
    var en = (ratio * ratio).mean([1]).sqrt();
    en = torch.where(en.isfinite(), en, torch.full_like(en, 1e10));
    var acc = en <= 1.0;
    var fac = torch.clamp(0.9 * torch.where(en > 0, en, torch.full_like(en, 1e-10)).pow(-0.2), 0.2, 10.0);
    fac = torch.where(acc, fac, torch.clamp(fac, max: 1.0));
    var accIdx = acc.nonzero().squeeze(1);
    var ai = idx.index_select(0, accIdx);
    var ynewAcc = ynew.index_select(0, accIdx);
    var k7Acc = k[6].index_select(0, accIdx);
    y.index_copy_(0, ai, ynewAcc);
    t.index_copy_(0, ai, t.index_select(0, ai) + ha.index_select(0, accIdx));
    steps.index_copy_(0, ai, steps.index_select(0, ai) + 1);
    k1.index_copy_(0, ai, k7Acc);                                        // FSAL
    h.index_copy_(0, idx, ha * fac);
    var conv = (k7Acc * k7Acc).sum(1).sqrt() < gtol;
    var div = ynewAcc.isfinite().all(1).logical_not().logical_or(ynewAcc.abs().max(1).values > 1e8);
    var hor = t.index_select(0, ai) >= tMax * (1 - 1e-12);
    var st = torch.where(conv, 1L, torch.where(div, 3L, torch.where(hor, 2L, 0L)));
    status.index_copy_(0, ai, st);
    active.index_copy_(0, ai, st == 0L);
}
double wall = sw.Elapsed.TotalSeconds;
double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;

// Outside the timed region: classify the peer's final states with our rule, and solve the same samples ourselves.
var yFinal = y.data<double>().ToArray();
var statusFinal = status.data<long>().ToArray();
var stepsFinal = steps.data<long>().ToArray();
var ours = new TrajectorySolver(problem, init, new GradientFlowSettings(tMax, rtol, atol), new StopRule(gradTolRel, 1e-3, Until.Converged))
    .SolveMany(0, 0, 0, count);
int agree = 0;
var labels = new Dictionary<string, int>();
for (int i = 0; i < count; i++)
{
    string label = statusFinal[i] == 3 ? "diverged" : Classifier.Classify(problem, yFinal.AsSpan(i * n, n), double.NaN).Label;
    labels[label] = labels.GetValueOrDefault(label) + 1;
    string mine = ours[i].Status == SampleStatus.Diverged ? "diverged" : ours[i].Label;
    if (label == mine) agree++;
}
var labelNode = new JsonObject();
foreach (var kv in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)) labelNode[kv.Key] = kv.Value;
var statusCounts = new JsonArray(Enumerable.Range(0, 4).Select(s => (JsonNode)statusFinal.Count(x => x == s)).ToArray());
Console.WriteLine(new JsonObject
{
    ["config"] = which,
    ["peer"] = "libtorch (TorchSharp) batched Dormand-Prince, bmm, float64",
    ["torch_threads"] = torch.get_num_threads(),
    ["trajectories"] = count,
    ["seconds"] = Math.Round(wall, 3),
    ["traj_per_s"] = count / wall,
    ["cpu_seconds"] = Math.Round(cpu, 3),
    ["traj_per_cpu_s"] = count / cpu,
    ["iterations"] = iterations,
    ["mean_steps"] = stepsFinal.Average(),
    ["mean_steps_ours"] = ours.Average(r => (double)r.Steps),
    ["status"] = statusCounts,
    ["labels"] = labelNode,
    ["labels_agree_with_ours"] = $"{agree}/{count}",
}.ToJsonString());
return 0;
