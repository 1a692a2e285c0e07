import { Alert, Box, Button, Card, CardContent, Stack, TextField, Typography } from '@mui/material';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useLogin } from 'react-admin';
import type { TokenPair } from '../api/session-store';
import { signInApi, type TotpSetup } from './sign-in-api';

type Step =
  | { kind: 'email' }
  | { kind: 'code'; email: string }
  | { kind: 'totp'; mfaToken: string }
  | { kind: 'enrol'; tokens: TokenPair; setup: TotpSetup; recoveryCodes?: string[] };

/** Staff sign-in: an emailed 6-digit code, then the authenticator app's code (enrolment on first sign-in). */
export function LoginPage(): ReactNode {
  const login = useLogin();
  const [step, setStep] = useState<Step>({ kind: 'email' });
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const finish = (tokens: TokenPair): Promise<void> => login(tokens);

  const advance = async (): Promise<void> => {
    switch (step.kind) {
      case 'email':
        await signInApi.sendEmailCode(value.trim());
        return setStep({ kind: 'code', email: value.trim() });
      case 'code': {
        const next = await signInApi.verifyEmailCode(step.email, value.trim());
        if (next.kind === 'mfa') return setStep({ kind: 'totp', mfaToken: next.mfaToken });
        if (!(await signInApi.needsEnrolment(next.tokens.accessToken))) return finish(next.tokens);
        const setup = await signInApi.startTotpSetup(next.tokens.accessToken);
        return setStep({ kind: 'enrol', tokens: next.tokens, setup });
      }
      case 'totp':
        return finish(await signInApi.verifySecondFactor(step.mfaToken, value.trim()));
      case 'enrol':
        if (!step.recoveryCodes) {
          const { recoveryCodes } = await signInApi.enableTotp(step.tokens.accessToken, value.trim());
          return setStep({ ...step, recoveryCodes });
        }
        await signInApi.stepUp(step.tokens.accessToken, value.trim());
        return finish(step.tokens);
    }
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    advance()
      .then(() => setValue(''))
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  };

  return (
    <Box
      sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', bgcolor: 'grey.100' }}
    >
      <Card sx={{ width: 420 }}>
        <CardContent>
          <form onSubmit={submit}>
            <Stack spacing={2}>
              <Typography variant="h5">Back office sign-in</Typography>
              <StepHint step={step} />
              <TextField
                label={fieldLabel(step)}
                name={step.kind}
                value={value}
                onChange={(event) => setValue(event.target.value)}
                autoFocus
                required
                type={step.kind === 'email' ? 'email' : 'text'}
                autoComplete={step.kind === 'email' ? 'username' : 'one-time-code'}
              />
              {error && <Alert severity="error">{error}</Alert>}
              <Button type="submit" variant="contained" disabled={busy}>
                {step.kind === 'email' ? 'Send code' : 'Continue'}
              </Button>
            </Stack>
          </form>
        </CardContent>
      </Card>
    </Box>
  );
}

function fieldLabel(step: Step): string {
  if (step.kind === 'email') return 'Email';
  if (step.kind === 'code') return 'Code from the email';
  return 'Authenticator code';
}

function StepHint({ step }: { step: Step }): ReactNode {
  if (step.kind === 'code') return <Typography>A 6-digit code was sent to {step.email}.</Typography>;
  if (step.kind === 'totp') return <Typography>Enter the code your authenticator app shows.</Typography>;
  if (step.kind !== 'enrol') return null;
  if (step.recoveryCodes) {
    return (
      <Stack spacing={1}>
        <Typography>Keep these recovery codes somewhere safe, then enter a new code from the app.</Typography>
        <Box component="pre" sx={{ m: 0, fontSize: 13 }} data-testid="recovery-codes">
          {step.recoveryCodes.join('\n')}
        </Box>
      </Stack>
    );
  }
  return (
    <Stack spacing={1} alignItems="center">
      <Typography>Staff need an authenticator app. Scan the code, then enter the code it shows.</Typography>
      <img src={step.setup.qrCodeDataUrl} alt="TOTP QR code" width={180} height={180} />
      <Typography variant="caption" data-testid="totp-secret">
        {step.setup.secret}
      </Typography>
    </Stack>
  );
}
