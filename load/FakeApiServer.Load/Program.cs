// The load harness (scenarios, ceilings, report) is issue 9; this entry point only states that.
Console.WriteLine("FakeApiServer.Load: no scenarios yet (issue 9).");
return 0;
