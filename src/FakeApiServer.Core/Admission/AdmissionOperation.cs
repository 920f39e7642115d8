namespace FakeApiServer.Admission;

/// <summary>The operation an admission request is for (admission.Operation); the wire names are upper case.</summary>
internal enum AdmissionOperation
{
    Create,
    Update,
    Delete,
    Connect,
}
