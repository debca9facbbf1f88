/**
 * The SDK announces that its 2027 releases will need Node 22; Lambda runs 22 and we pin
 * the SDK, so locally that notice is noise. Every other warning still prints.
 */
export function silenceSdkNodeVersionNotice(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (!warning.message.startsWith('NodeVersionSupportWarning')) console.warn(warning);
  });
}
