// The guided tour: eight short steps through the ideas of the seed article, each pointing at one part of the page
// and asking for one thing to try. It is DOM (a panel with real text and buttons, over the canvas), so screen
// readers read it and the keyboard reaches it: Tab between its buttons, Left and Right for Back and Next, Escape
// to close. It opens by itself on a first visit, remembered in localStorage (not at all where storage is refused:
// then it opens each time, and closes as asked); the interface's Tour button reopens it.
//
// latentTour(api, canvas) wires it to the script API (web/main.js) and returns {open, close, next, back, report}.
'use strict';

window.latentTour = (api, canvas) => {
  const SEEN_KEY = 'latentCanvas.tour';
  const $ = (id) => document.getElementById(id);
  const control = (name) => () => api.controls()[name] ?? null;
  // Each step: what it says, the one thing to try, where that is, and when it is done (from the state now and the
  // state when the step began).
  const STEPS = [
    {
      title: 'Squeeze, then rebuild',
      text: 'An autoencoder learns to copy its input through a narrow middle. Each 28 x 28 digit (784 numbers) is ' +
        'squeezed by the encoder into a code of 32 numbers, and the decoder has to rebuild the whole image from ' +
        'that code alone. To do it well, the code must keep what matters about a digit and drop the rest.',
      action: 'Open the Network tab to see the model, with its code outlined at the narrowest point.',
      target: control('tab:network'),
      done: (s) => s.tab === 5,
    },
    {
      title: 'Your own digit',
      text: 'The same model runs on anything you draw. The code changes stroke by stroke, and the reconstruction ' +
        'shows what the decoder makes of those 32 numbers.',
      action: 'Draw a digit in the square.',
      target: () => api.canvasRect(),
      done: (s) => s.strokes > 0,
    },
    {
      title: 'Learning from nothing',
      text: 'The model you see was trained for 50 epochs. A new one starts from random weights and rebuilds only ' +
        'grey blurs. Training shows it thousands of digits and nudges every weight to make each rebuilt digit ' +
        'closer to the real one; the test loss measures that on 2,000 digits it never trains on.',
      action: 'Press Train from scratch, then Train, and watch the test loss fall.',
      target: control('button:scratch'),
      done: (s) => s.origin.startsWith('random') && s.epoch >= 1,
    },
    {
      title: 'One step at a time',
      text: 'Each training step looks at one batch of 256 digits and moves every weight a little. Pause and take ' +
        'single steps: the gallery, the chart and the map change by exactly one step each time.',
      action: 'Pause, then press Step.',
      target: control('button:step'),
      done: (s, at) => !s.training && s.step > at.step,
    },
    {
      title: 'A code you can see',
      text: 'With a code of only 2 numbers, every digit is a point on a plane: the Map shows the code space itself, ' +
        'coloured by label, and the decoded grid beside it shows what each place in that space draws.',
      action: 'Set Latent size to 2, press Build new model, train for a few epochs and open the Map.',
      target: control('slider:latent'),
      done: (s) => s.latentDim === 2 && s.tab === 1,
    },
    {
      title: 'The identity trap',
      text: 'Make the code as wide as the image and nothing forces a squeeze: the model could simply pass the ' +
        'pixels through. Its test digits come back about twice as well, and that says less, not more, about ' +
        'what it learned. A good reconstruction alone is no evidence of learning; the bottleneck is what makes ' +
        'the model find the structure of digits. See whether it rebuilds a scribble too.',
      action: 'Set Latent size to 784, build and train it, then draw a scribble.',
      target: control('slider:latent'),
      done: (s) => s.latentDim >= 784,
    },
    {
      title: 'Cleaning up noise',
      text: 'A denoising autoencoder is trained on noisy inputs and asked for the clean digit. To rebuild what the ' +
        'noise hid, it has to know what digits look like, not just copy them.',
      action: 'Choose the Denoising variant, train it, then tick "noisy drawing" under the canvas.',
      target: control('combo:variant'),
      done: (s) => s.variant === 'denoising',
    },
    {
      title: 'What the codes keep apart',
      text: 'PCA shows the codes along their two widest directions, and the digits overlap. t-SNE places each code ' +
        'near its nearest neighbours instead, so the map separates the digits as well as the codes themselves do. ' +
        'That is the tour: the Tour button beside Save weights brings it back.',
      action: 'On the Map, choose t-SNE and watch it settle.',
      target: control('radio:tsne'),
      done: (s) => s.mapMethod === 'tsne',
    },
  ];

  let step = 0, open = false, at = null, timer = 0;
  const panel = $('tour'), ring = $('tour-ring');

  const remember = () => { try { localStorage.setItem(SEEN_KEY, 'closed'); } catch { /* storage refused: nothing to keep */ } };
  const seen = () => { try { return localStorage.getItem(SEEN_KEY) !== null; } catch { return false; } };

  // The panel in the corner farthest from what the step points at; a phone's across the bottom (style.css).
  function place(target) {
    ring.hidden = !target || target.width <= 0 || target.y + target.height < 0 || target.y > innerHeight;
    if (ring.hidden) return;
    Object.assign(ring.style, { left: `${target.x - 6}px`, top: `${target.y - 6}px`, width: `${target.width + 12}px`,
      height: `${target.height + 12}px` });
    if (innerWidth < 700) return;
    const right = target.x + target.width / 2 < innerWidth / 2, bottom = target.y + target.height / 2 < innerHeight / 2;
    panel.classList.toggle('left', !right);
    panel.classList.toggle('top', !bottom);
  }

  function show() {
    const s = STEPS[step];
    $('tour-count').textContent = `Step ${step + 1} of ${STEPS.length}`;
    $('tour-title').textContent = s.title;
    $('tour-text').textContent = s.text;
    $('tour-action').textContent = s.action;
    $('tour-back').disabled = step === 0;
    $('tour-next').textContent = step === STEPS.length - 1 ? 'Finish' : 'Next';
    at = api.state();
    follow();
  }

  // Four times a second: the highlight follows the layout (scrolling, resizing), and the step says when it is done.
  function follow() {
    if (!open) return;
    try {
      const s = api.state();
      const done = STEPS[step].done(s, at);
      $('tour-done').hidden = !done;
      panel.classList.toggle('done', done);
      place(STEPS[step].target());
    } catch (e) { console.warn(`tour: ${e.message}`); }
  }

  const tour = {
    open(at0 = 0) {
      step = Math.max(0, Math.min(STEPS.length - 1, at0));
      open = true;
      panel.hidden = false;
      show();
      clearInterval(timer);
      timer = setInterval(follow, 250);
      $('tour-next').focus();
    },
    close() {
      if (!open) return;
      open = false;
      panel.hidden = true;
      ring.hidden = true;
      clearInterval(timer);
      remember();
      canvas.focus();
    },
    next() { if (step === STEPS.length - 1) tour.close(); else { step += 1; show(); } },
    back() { if (step > 0) { step -= 1; show(); } },
    report() {
      return { open, step: step + 1, steps: STEPS.length, title: STEPS[step].title,
        done: open ? STEPS[step].done(api.state(), at) : false, seen: seen() };
    },
  };

  $('tour-next').addEventListener('click', tour.next);
  $('tour-back').addEventListener('click', tour.back);
  $('tour-close').addEventListener('click', tour.close);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') tour.close();
    else if (e.key === 'ArrowRight') tour.next();
    else if (e.key === 'ArrowLeft') tour.back();
    else return;
    e.preventDefault();
    e.stopPropagation();
  });
  if (!seen() && !api.state().embed) tour.open();  // not in an embedded view: the lesson around it is the guide
  return tour;
};
