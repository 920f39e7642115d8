using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Registry;
using static FakeApiServer.Tests.Admission.AdmissionTestRequests;

namespace FakeApiServer.Tests.Admission;

public sealed class AdmissionChainTests
{
    [Fact]
    public async Task Mutating_plugins_run_in_order_and_validating_ones_only_in_the_validating_phase()
    {
        var log = new List<string>();
        var chain = new AdmissionChain([new Recorder("a", log), new Recorder("b", log), new Validator("v", log)]);
        var request = Request(AdmissionOperation.Create, Pods, Pod("{}"), "web");

        await chain.AdmitAsync(request, CancellationToken.None);
        log.Add("|");
        await chain.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(["a", "b", "|", "v"], log);
        Assert.Equal(["a", "b", "v"], chain.Names);
    }

    [Fact]
    public async Task A_plugin_asking_for_reinvocation_gets_a_second_pass_of_every_mutating_plugin()
    {
        var log = new List<string>();
        var chain = new AdmissionChain([new Recorder("a", log), new Recorder("again", log, reinvoke: true)]);

        await chain.AdmitAsync(Request(AdmissionOperation.Create, Pods, Pod("{}"), "web"), CancellationToken.None);

        Assert.Equal(["a", "again", "a", "again(reinvoke)"], log);
    }

    private sealed class Recorder(string name, List<string> log, bool reinvoke = false) : IMutatingAdmissionPlugin
    {
        public string Name => name;

        public bool Handles(AdmissionRequest request) => true;

        public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            log.Add(request.Reinvocation.IsReinvoke && reinvoke ? name + "(reinvoke)" : name);
            request.Object!.Metadata()["labels"] = new JsonObject { [name] = "x" };
            request.Reinvocation.ShouldReinvoke |= reinvoke;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Validator(string name, List<string> log) : IValidatingAdmissionPlugin
    {
        public string Name => name;

        public bool Handles(AdmissionRequest request) => true;

        public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            log.Add(name);
            return ValueTask.CompletedTask;
        }
    }
}
