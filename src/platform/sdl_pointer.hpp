// The desktop's pointer input for the drawing: SDL's own mouse and finger events, one by one, in the order they
// arrived, so a stroke keeps every motion event the system reported between two frames. (The page does the same
// with the browser's pointer events: web/main.js.)
#pragma once

#include <SDL.h>

namespace latent {

class Drawing;

// Routes one SDL event to the drawing if it is a pointer event. Mouse events that SDL synthesises from touches
// are skipped (the finger events carry them); finger positions are scaled from SDL's 0..1 to the window's
// `width` x `height`.
void route_pointer_event(const SDL_Event& event, int width, int height, Drawing& drawing);

}  // namespace latent
